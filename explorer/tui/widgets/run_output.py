"""What runs printed: a history of run cards whose streamed output is coalesced, and
an expected | got view for a docstring example that differs.

The kernel streams output in chunks as fast as the code prints; writing each
chunk to the screen would flood the event loop. `OutputLog.feed` only appends
to a buffer; a timer moves the buffer to the screen a few times a second, with
caps on line length and on what one run may show (the kernel already stops
streaming after its own cap). Output wraps at the pane's width, between words
where a line has any. The history follows its end while runs stream and finish,
unless the user scrolled up, as a terminal does. (Textual's `anchor()` would do it
but bottom-aligns a short history, leaving the first run under empty space.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.highlight import highlight
from textual.widget import Widget
from textual.widgets import Static

from explorer.core.check import DiffRow
from explorer.core.model import Plot, RunResult
from explorer.proc.messages import Event, Output, PlotEvent
from explorer.tui.services.kernel_session import format_duration
from explorer.tui.widgets.plot_view import PlotView
from explorer.tui.widgets.wrapped_text import WrappedText

FLUSH_INTERVAL = 0.1  # seconds between screen updates while output streams
LINE_CAP = 2_000  # characters of one line shown; a 20 MB one-liner stays cheap to draw
DISPLAY_CAP = 200_000  # characters one run shows on screen
MAX_LOG_LINES = 1_000
MAX_CARDS = 30  # runs kept in the history
MAX_PLOTS = 4  # plots one run shows
DIFF_ROW_CAP = 200


class StatusBadge(Static):
    """A short coloured status: ok, error, differs, timeout, crashed, running, ..."""

    DEFAULT_CSS = """
    StatusBadge { width: auto; height: 1; padding: 0 1; text-style: bold;
                  background: $boost; color: $text-muted; }
    StatusBadge.-ok, StatusBadge.-passed { background: $success-muted; color: $text-success; }
    StatusBadge.-differs { background: $warning-muted; color: $text-warning; }
    StatusBadge.-differs.-random { background: $boost; color: $text-warning; }
    StatusBadge.-error, StatusBadge.-memory, StatusBadge.-crashed {
        background: $error-muted; color: $text-error; }
    StatusBadge.-timeout, StatusBadge.-interrupted {
        background: $warning-muted; color: $text-warning; }
    StatusBadge.-running { background: $primary-muted; color: $text-primary; }
    StatusBadge.-skipped { background: $boost; color: $text-muted; }
    """

    def __init__(self, status: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.status = ""
        if status:
            self.set_status(status)

    def set_status(self, status: str, label: str | None = None) -> None:
        if self.status:
            self.remove_class(f"-{self.status}")
        self.status = status
        self.add_class(f"-{status}")
        self.update(label or status)


# Typed as a Widget for mypy; at run time a plain mixin, so the widget's CSS type names
# (VerticalScroll, WrappedText) and their default styles stay exactly as they were.
if TYPE_CHECKING:
    _Scrollable = Widget
else:
    _Scrollable = object


class FollowsEnd(_Scrollable):
    """Mixed into a scrollable: it keeps its end in view as its content grows, unless
    the user scrolled up; scrolling back to the end follows again."""

    following = True

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        # Growing content leaves scroll_y alone, so only a scroll (the user's, or the
        # scroll to the end below) changes whether the widget follows.
        self.following = new >= self.max_scroll_y - 1

    def watch_virtual_size(self, size: Size) -> None:
        """Called during layout: the scroll to the end waits for the layout to finish."""
        if self.following:
            self.scroll_end(animate=False)


class OutputLog(FollowsEnd, WrappedText):
    """Wrapped text that takes output as fast as it comes and draws it on a timer."""

    DEFAULT_CSS = """
    OutputLog { height: auto; max-height: 16; background: transparent; padding: 0; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(words=True, max_lines=MAX_LOG_LINES, id=id, classes=classes)
        self._pending: list[str] = []
        self._shown = 0  # characters shown so far
        self._column = 0  # length of the line being written
        self._capped = False
        self._held_newline = False  # no empty last line under finished output

    def on_mount(self) -> None:
        self.set_interval(FLUSH_INTERVAL, self.flush)

    def feed(self, text: str) -> None:
        """Queue output for the next flush (cheap: called once per streamed chunk)."""
        if not self._capped:
            self._pending.append(text)

    @property
    def text(self) -> str:
        """What the log shows, pending output included (used by tests and copy)."""
        self.flush()
        return "\n".join(self._lines).removesuffix("\n")

    def flush(self) -> None:
        """Draw what is pending; a trailing newline is held back until more text comes."""
        if not self._pending:
            return
        text, self._pending = "".join(self._pending), []
        if self._held_newline:
            text = "\n" + text
        self._held_newline = text.endswith("\n")
        if self._held_newline:
            text = text[:-1]
        if not text:
            return
        shown = self._clip_lines(text)
        room = DISPLAY_CAP - self._shown
        if len(shown) > room:
            shown = shown[:room] + (
                f"\n[display stops here: more than {DISPLAY_CAP:,} characters of output]\n"
            )
            self._capped = True
        self._shown += len(shown)
        self.append(self._tail(shown))
        self.display = True

    def _tail(self, text: str) -> str:
        """Only the lines the log can keep: lines beyond max_lines would be pruned
        right after being wrapped."""
        if text.count("\n") <= MAX_LOG_LINES:
            return text
        lines = text.split("\n")
        return "\n" + "\n".join(lines[-MAX_LOG_LINES:])  # ends the partial line on screen

    def _clip_lines(self, text: str) -> str:
        """Cut each line at LINE_CAP characters, counting the line already on screen."""
        pieces = text.split("\n")
        for index, piece in enumerate(pieces):
            column = self._column if index == 0 else 0
            if column + len(piece) > LINE_CAP:
                keep = max(0, LINE_CAP - column)
                cut = len(piece) - keep
                pieces[index] = piece[:keep] + (f" …[{cut:,} more characters]" if keep else "")
            self._column = column + len(pieces[index])
        return "\n".join(pieces)


class RunCard(Vertical):
    """One run in the history: header with status, streamed output, value or traceback."""

    def __init__(self, number: int, code: str, title: str | None = None) -> None:
        super().__init__(classes="run-card")
        self.number = number
        self.code = code
        self.title = title or run_label(code)  # a lesson's or an example's own name
        self.result: RunResult | None = None
        self._plots = 0

    def compose(self) -> ComposeResult:
        with Horizontal(classes="run-header"):
            yield StatusBadge("running", id="run-status")
            yield Static(Content(f"In [{self.number}]  {self.title}"), classes="run-title")
        log = OutputLog(classes="run-log")
        log.display = False
        yield log
        yield Static(classes="run-value")
        yield Static(classes="run-traceback")

    def feed_event(self, event: Event) -> None:
        if isinstance(event, Output):
            self.query_one(OutputLog).feed(event.text)
        elif isinstance(event, PlotEvent):
            self.add_plot(event.plot)

    def add_plot(self, plot: Plot) -> None:
        self._plots += 1
        if self._plots <= MAX_PLOTS:
            view = PlotView(classes="run-plot")
            self.mount(view, before=self.query_one(".run-value"))
            view.show(plot)

    def finish(self, result: RunResult) -> None:
        self.result = result
        self.query_one(OutputLog).flush()
        label = str(result.status)
        if result.duration is not None:
            label = f"{result.status} {format_duration(result.duration)}"
        self.query_one(StatusBadge).set_status(result.status, label)
        value = self.query_one(".run-value", Static)
        if result.value_repr is not None:
            value.update(
                Content(f"Out[{self.number}]: ") + highlight(result.value_repr, language="python")
            )
            value.display = True
        problem = result.traceback or result.exception
        if result.message:
            problem = f"{problem.rstrip()}\n{result.message}" if problem else result.message
        if self._plots > MAX_PLOTS:
            self.mount(
                Static(
                    Content(
                        f"({self._plots - MAX_PLOTS} more plots not shown: a "
                        f"run shows its first {MAX_PLOTS})"
                    ),
                    classes="run-note",
                ),
                before=value,
            )
        trace = self.query_one(".run-traceback", Static)
        trace.update(Content(problem.rstrip()))
        trace.display = bool(problem)

    @property
    def output_text(self) -> str:
        return self.query_one(OutputLog).text


class RunOutput(FollowsEnd, VerticalScroll):
    """The history of runs, newest at the bottom; old cards are dropped past MAX_CARDS."""

    DEFAULT_CSS = """
    RunOutput { height: 1fr; }
    RunOutput .run-card { height: auto; margin: 0 0 1 0; }
    RunOutput .run-header { height: 1; }
    RunOutput .run-title { width: 1fr; color: $text-muted; padding: 0 1;
                           text-wrap: nowrap; text-overflow: ellipsis; }
    RunOutput .run-value { height: auto; display: none; }
    RunOutput .run-traceback { height: auto; color: $text-error; display: none; }
    RunOutput .run-plot { height: 16; }
    RunOutput #run-placeholder { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None, placeholder: str = "") -> None:
        super().__init__(id=id)
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield Static(self.placeholder, id="run-placeholder")

    def start_run(self, number: int, code: str, title: str | None = None) -> RunCard:
        """A new card at the bottom, ready for events; returns it for the caller to feed."""
        for placeholder in self.query("#run-placeholder"):
            placeholder.remove()
        card = RunCard(number, code, title)
        self.mount(card)
        cards = list(self.query(RunCard))
        for old in cards[: max(0, len(cards) - MAX_CARDS)]:
            old.remove()
        self.following = True  # a new run brings the end back into view
        self.scroll_end(animate=False)
        return card

    def note(self, text: str) -> None:
        """A line between runs (kernel reset, a namespace seeded from a module)."""
        self.mount(Static(Content(text), classes="run-note"))
        self.following = True
        self.scroll_end(animate=False)

    @property
    def cards(self) -> list[RunCard]:
        return list(self.query(RunCard))


class ExpectedGot(Horizontal):
    """Expected and got side by side, rows aligned by difflib, differences marked."""

    DEFAULT_CSS = """
    ExpectedGot { height: auto; }
    ExpectedGot > Vertical { width: 1fr; height: auto; padding: 0 1 0 0; }
    ExpectedGot .side-title { text-style: bold; color: $text-muted; }
    ExpectedGot .side-text { height: auto; }
    """

    def __init__(
        self, rows: Sequence[DiffRow], *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        with Vertical(classes="expected"):
            yield Static("expected", classes="side-title")
            yield Static(self._side("expected"), classes="side-text")
        with Vertical(classes="got"):
            yield Static("got", classes="side-title")
            yield Static(self._side("got"), classes="side-text")

    def _side(self, which: str) -> Content:
        marked = (
            "$text-error on $error-muted" if which == "got" else ("$text-success on $success-muted")
        )
        lines: list[Content] = []
        for row in self.rows[:DIFF_ROW_CAP]:
            text = row.expected if which == "expected" else row.got
            if text is None:
                lines.append(Content.styled("·", "$text-muted"))
            elif row.tag == "equal":
                lines.append(Content(text))
            else:
                lines.append(Content.styled(text or " ", marked))
        if len(self.rows) > DIFF_ROW_CAP:
            more = len(self.rows) - DIFF_ROW_CAP
            lines.append(Content.styled(f"… {more} more rows", "$text-muted"))
        return Content("\n").join(lines)

    @property
    def text(self) -> tuple[str, str]:
        """(expected, got) as plain text, for tests and copying."""

        def side(which: str) -> str:
            values = [(r.expected if which == "expected" else r.got) for r in self.rows]
            return "\n".join(v for v in values if v is not None)

        return side("expected"), side("got")


def run_label(code: str) -> str:
    """The run's first line of code (comments and blank lines skipped) and how many more."""
    lines = [line.strip() for line in code.strip().splitlines() if line.strip()]
    if not lines:
        return "(empty)"
    first = next((i for i, line in enumerate(lines) if not line.startswith("#")), 0)
    more = len(lines) - first - 1
    label = lines[first]
    if len(label) > 60:
        label = label[:59] + "…"
    return label + (f"  (+{more} lines)" if more > 0 else "")
