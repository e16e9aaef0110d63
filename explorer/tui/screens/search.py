"""Search-as-you-type over every index: each keystroke queries, stale answers are dropped.

The indexes are SQLite files read in-process (no import of any package): a
thread worker per keystroke, `exclusive` so a newer query supersedes an older
one, and a check that the input still says what was asked before anything is
shown. A query names a package by its first segment (`json.dumps`) or searches
them all. The package on screen gets an index first if it has none (a progress
bar); a stale one answers while a fresh one builds. Every failure shows in the
status line; none closes the app. Enter (or a click) posts
`SearchScreen.TargetChosen` to the app and dismisses the screen.
"""

from __future__ import annotations

import contextlib

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from explorer import settings
from explorer.core.errors import UsageError
from explorer.core.search.library import Library, index_home
from explorer.core.search.query import Hit
from explorer.core.search.scoring import Span
from explorer.core.search.store import IndexCorrupt
from explorer.proc.search.session import Opened, open_library, refresh

DEFAULT_PACKAGE = settings.DEFAULT_PACKAGE
HIT_LIMIT = 50
HIGHLIGHT = "bold $accent"
PLACEHOLDER = "a name, dist.Multi, F.relu, words from the docs, kind:class, in:torch.nn"


def hit_prompt(hit: Hit) -> Content:
    """One line: kind, dotted name and summary, the matched parts highlighted."""
    return Content.assemble(
        (f"{hit.kind:<12}", "$text-muted"),
        _marked(hit.name, hit.name_spans),
        "  ",
        _marked(hit.summary, hit.summary_spans).stylize("$text-muted"),
    )


def hit_title(hit: Hit) -> Content:
    """The dotted name (matches highlighted) and its kind: the palette shows the summary below."""
    return Content.assemble(_marked(hit.name, hit.name_spans), (f"  {hit.kind}", "$text-muted"))


def _marked(text: str, spans: tuple[Span, ...]) -> Content:
    content = Content(text)
    for start, end in spans:
        content = content.stylize(HIGHLIGHT, start, end)
    return content


class SearchScreen(ModalScreen[str | None]):
    """Type a name, a dotted fragment (`dist.Multi`), words, `kind:class`, `in:torch.nn`."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("down", "move(1)", "Next hit", show=False),
        Binding("up", "move(-1)", "Previous hit", show=False),
    ]

    class TargetChosen(Message):
        """The user picked a hit: `target` is its dotted name."""

        def __init__(self, target: str) -> None:
            super().__init__()
            self.target = target

    def __init__(self, package: str = DEFAULT_PACKAGE, query: str = "") -> None:
        super().__init__()
        self.package = package
        self.initial_query = query
        self.library: Library | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="search-dialog") as dialog:
            dialog.border_title = "Search everything indexed"
            yield Input(value=self.initial_query, id="search-input", placeholder=PLACEHOLDER)
            yield ProgressBar(id="search-progress", show_eta=False)
            yield Static("opening the indexes…", id="search-status")
            yield OptionList(id="search-hits")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.load_index()

    def on_unmount(self) -> None:
        if self.library is not None:
            self.library.close()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed says so in the status line; the screen and the app stay."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        what = "opening the indexes" if event.worker.group == "search-index" else "searching"
        self.query_one("#search-progress", ProgressBar).remove_class("-building")
        self._status(f"{what} failed: {type(error).__name__}: {error}")

    # --- the index ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="search-index", exit_on_error=False)
    def load_index(self) -> None:
        opened = open_library(self.package, build=False)
        home = index_home(self.package)
        if home in opened.library.indexes and not opened.stale:
            self.app.call_from_thread(self._ready, opened)
            return
        if opened.library.indexes:  # answer from what is there while the package builds
            self.app.call_from_thread(self._ready, opened)
        self.app.call_from_thread(self._building, f"indexing {home}…")
        try:
            notes = refresh(opened.library, home, progress=self._progress, waiting=self._waiting)
        except UsageError as exc:
            notes = [str(exc)]
        self.app.call_from_thread(self._ready, Opened(opened.library, opened.notes + notes))

    def _progress(self, done: int, total: int, module: str) -> None:
        # RuntimeError: the app closed while the index was building; the build still finishes.
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(self._advance, done, total, module)

    def _waiting(self, message: str) -> None:
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(self._status, message)

    def _building(self, status: str) -> None:
        self.query_one("#search-progress", ProgressBar).add_class("-building")
        self._status(status)

    def _failed(self, message: str) -> None:
        self.query_one("#search-progress", ProgressBar).remove_class("-building")
        self._status(message)

    def _advance(self, done: int, total: int, module: str) -> None:
        self.query_one("#search-progress", ProgressBar).update(total=total, progress=done)
        self._status(f"indexing {module} ({done}/{total})")

    def _ready(self, opened: Opened) -> None:
        self.library = opened.library
        self.query_one("#search-progress", ProgressBar).remove_class("-building")
        indexes = opened.library.indexes
        entries = sum(index.entry_count for index in indexes.values())
        home = indexes.get(index_home(self.package))
        version = f"{home.package} {home.meta.get('version', '')}, " if home is not None else ""
        others = len(indexes) - (home is not None)
        status = f"{version}{others} more package{'s' * (others != 1)}: {entries} entries"
        stale = " · out of date, rebuilding…" if opened.stale else ""
        notes = " · ".join(opened.notes)
        self._status(status + stale + (f" · {notes}" if notes else ""))
        self.run_query(self.query_one(Input).value)

    def _status(self, text: str) -> None:
        self.query_one("#search-status", Static).update(Content(text))

    # --- queries -----------------------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _query_changed(self, event: Input.Changed) -> None:
        remember = getattr(self.app, "remember_search", None)
        if remember is not None:  # F3 again opens on this query (typing replaces it)
            remember(event.value)
        self.run_query(event.value)

    @work(thread=True, exclusive=True, group="search-query", exit_on_error=False)
    def run_query(self, text: str) -> None:
        library = self.library
        if library is None:
            return
        try:
            hits = library.search(text, HIT_LIMIT)
        except (IndexCorrupt, UsageError) as exc:
            self.app.call_from_thread(self._status, f"cannot search that: {exc}")
            return
        if get_current_worker().is_cancelled:
            return  # a newer keystroke already asked again
        self.app.call_from_thread(self._show, text, hits)

    def _show(self, text: str, hits: list[Hit]) -> None:
        if text != self.query_one(Input).value:
            return  # a stale answer: the input has moved on
        hit_list = self.query_one("#search-hits", OptionList)
        hit_list.set_options(Option(hit_prompt(hit), id=hit.name) for hit in hits)
        if hits:
            hit_list.highlighted = 0
        if self.library is not None and text.strip():
            guess = " (nothing matched well: the nearest names)" if hits and hits[0].guess else ""
            unknown = "" if hits else self.library.unknown_scope(text)
            self._status(f"{len(hits)} hits{guess}" + (f": {unknown}" if unknown else ""))

    # --- choosing ----------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        hit_list = self.query_one("#search-hits", OptionList)
        if hit_list.option_count:
            current = hit_list.highlighted or 0
            hit_list.highlighted = max(0, min(hit_list.option_count - 1, current + step))

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        hit_list = self.query_one("#search-hits", OptionList)
        if hit_list.highlighted is not None:
            option = hit_list.get_option_at_index(hit_list.highlighted)
            if option.id:
                self.choose(option.id)

    @on(OptionList.OptionSelected, "#search-hits")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.choose(event.option.id)

    def choose(self, target: str) -> None:
        # Posted to the app, not to this screen, so it survives the dismiss below.
        self.app.post_message(self.TargetChosen(target))
        self.dismiss(target)

    def action_close(self) -> None:
        self.dismiss(None)
