"""One target on screen: the layout, its listing and detail, and how they are loaded.

A target opens on itself: its own Doc, help() and Source (as help() and IPython's
`?` do); its members are listed under it. All data comes from the worker through
`Backend` in Textual workers; each worker handles its own backend errors where the
user is looking, anything else goes to the app (explorer.tui.workers).

When the search index knows the target, its members and docs are painted from
the index at once ("from index (torch 2.13.0)" in the top bar) while the worker
imports; the live answer then replaces them in place (selection, scroll, filter
and tab kept). If the live answer fails, the index's view stays, with the error.
`snapshot`/`_restore` turn the view into a `Location` and back (for history).
The explorer screen (explorer.tui.screens.explorer) adds navigation and keys.
"""

from __future__ import annotations

import asyncio
from functools import partial

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static, TabbedContent
from textual.worker import Worker

from explorer.core.dotted import suggested_targets
from explorer.core.model import Kind, Listing, Member
from explorer.tui.services.backend import Backend, BackendError
from explorer.tui.services.first_paint import FirstPaints, IndexPaint, rebuild_stale_index
from explorer.tui.services.history import History, Location
from explorer.tui.widgets.breadcrumb import Breadcrumb
from explorer.tui.widgets.detail_pane import DetailPane
from explorer.tui.widgets.doc_view import ExampleFactory
from explorer.tui.widgets.footer import AppFooter
from explorer.tui.widgets.member_list import MemberList
from explorer.tui.widgets.status import StatusLine
from explorer.tui.workers import WorkerErrors


class TargetView(WorkerErrors, Screen[None]):
    """The breadcrumb, status line, member list and detail pane of one target at a time."""

    show_private: reactive[bool] = reactive(False, init=False)
    show_dunder: reactive[bool] = reactive(False, init=False)

    class TargetOpened(Message):
        """A target's listing arrived: it exists (recents keep only such targets)."""

        def __init__(self, screen: TargetView, target: str) -> None:
            super().__init__()
            self.screen = screen
            self.target = target

    def __init__(
        self,
        backend: Backend,
        target: str,
        *,
        example_factory: ExampleFactory,
        first_paints: FirstPaints | None = None,
    ) -> None:
        super().__init__()
        self.backend = backend
        self.example_factory = example_factory
        self.first_paints = first_paints
        self.early: IndexPaint | None = None  # the index behind the view, until the live answer
        self.history: History[Location] = History()
        self.suggested: list[str] = []  # the names a failed target could have meant
        self.listing: Listing | None = None
        self._first = Location(target)
        self._listing_worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Breadcrumb(id="breadcrumb")
            yield Static("", id="index-marker", markup=False)
        yield StatusLine(id="status")
        with Horizontal(id="body"):
            yield MemberList(id="members")
            yield DetailPane(
                self.backend, example_factory=self.example_factory, id="detail-pane"
            ).data_bind(private=TargetView.show_private, dunder=TargetView.show_dunder)
        yield AppFooter()

    def on_mount(self) -> None:
        self.navigate(self._first)

    @property
    def target(self) -> str:
        current = self.history.current
        return current.target if current else self._first.target

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def tabs(self) -> TabbedContent:
        return self.detail.tabs

    @property
    def member_list(self) -> MemberList:
        return self.query_one(MemberList)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    # ---- navigation ---------------------------------------------------------
    def navigate(self, location: Location, *, record: bool = True) -> None:
        """Show `location`; relist only when the target changes."""
        if record:
            if self.history.current is not None:
                self.history.replace_current(self.snapshot())
            self.history.visit(location)
        self.query_one(Breadcrumb).target = location.target
        if self.status.state == "error":
            self.status.done()  # an error belongs to the place it happened
        shown = self.listing
        if shown is not None and shown.target == location.target and self.early is None:
            self._restore(location)
        else:
            self._listing_worker = self.load_listing(location)

    def snapshot(self) -> Location:
        selected = self.member_list.selected
        return Location(
            target=self.target,
            selected=selected.name if selected else None,
            tab=self.tabs.active or "doc",
            list_scroll=self.member_list.options.scroll_y,
            doc_scroll=self.detail.doc_view.scroll_y,
        )

    def itself(self) -> Member:
        """The target as a row of its own listing (what the first row stands for)."""
        kind = self.listing.kind if self.listing else Kind.DATA
        return Member(self.target.rsplit(".", 1)[-1], self.target, kind)

    def _restore(self, location: Location) -> None:
        members, detail = self.member_list, self.detail
        detail.tabs.active = location.tab
        if location.selected is None:
            if not members.typed:  # a filter that matches nothing stays as typed
                members.select_itself()
            detail.show(self.target, self.itself(), location.doc_scroll)
        elif members.select(location.selected):
            qualname = f"{location.target}.{location.selected}"
            detail.show(qualname, members.selected, location.doc_scroll)
        else:
            # Not in the listing (private, or filtered out): show its doc anyway.
            detail.show(f"{location.target}.{location.selected}")
        options = members.options
        options.scroll_to(y=location.list_scroll, animate=False, immediate=True)
        options.scroll_to_highlight()
        if location.list_scroll == 0:  # a fresh view (up, a link): the row mid-list
            self.call_after_refresh(self._centre_selection)

    def _centre_selection(self) -> None:
        options = self.member_list.options
        if options.highlighted:
            middle = options.highlighted - options.scrollable_content_region.height // 2
            options.scroll_to(y=max(0, middle), animate=False, immediate=True)

    # ---- listing ------------------------------------------------------------
    @work(exclusive=True, group="listing", exit_on_error=False)
    async def load_listing(self, location: Location) -> None:
        self.status.start(f"importing {location.target}")
        members = self.member_list
        painted = await self._paint_from_index(location)
        members.loading = not painted
        try:
            listing = await self.backend.listing(
                location.target, private=self.show_private, dunder=self.show_dunder
            )
        except BackendError as error:
            if painted:  # the index's view stays up, with the error
                self.status.error(f"{error} (shown: what the index knows)")
                self.detail.live_failed(str(error))
            else:
                self._cannot_open(location.target, str(error))
            return
        finally:
            members.loading = False
        self.status.done()
        if painted:  # in place: keep what the reader did meanwhile
            location = self.snapshot()
            self._set_early(None)
        self._show_listing(listing, location, keep_filter=painted)
        self.post_message(self.TargetOpened(self, listing.target))

    async def _paint_from_index(self, location: Location) -> bool:
        """Show what the index knows of the target at once; False when it knows nothing
        (or cannot answer: private and dunder names are not indexed)."""
        self._set_early(None)
        if self.first_paints is None or self.show_private or self.show_dunder:
            return False
        paints, target = self.first_paints, location.target
        if paints.prefetched(target):  # the start-up target: open, or nearly
            paint, note = paints.for_target(target)
        else:  # another package: checking its files takes a moment, off the UI thread
            paint, note = await asyncio.to_thread(paints.for_target, target)
        if note:  # said where the import's progress is, not over the docs
            self.status.start(f"importing {target} · {note}; rebuilding it in the background")
            self.run_worker(partial(rebuild_stale_index, target), thread=True, exit_on_error=False)
        listing = paint.listing(target) if paint else None
        if paint is None or listing is None:
            return False
        self._set_early(paint)
        self._show_listing(listing, location, keep_filter=False)
        return True

    def _set_early(self, paint: IndexPaint | None) -> None:
        self.early = paint
        self.detail.set_early(paint)
        marker = self.query_one("#index-marker", Static)
        marker.update(paint.marker if paint else "")
        marker.display = paint is not None

    def _show_listing(self, listing: Listing, location: Location, *, keep_filter: bool) -> None:
        members = self.member_list
        self.listing = listing
        self.detail.forget()
        members.border_title = f"{listing.target} · {listing.kind}{self._flags()}"
        # A function has no members: its one row needs no third of the screen.
        members.set_class(not listing.members and not listing.kind.opens, "-no-members")
        with members.prevent(MemberList.Highlighted):
            members.show(listing, select=location.selected, keep_filter=keep_filter)
        self._restore(location)

    def _cannot_open(self, target: str, message: str) -> None:
        self.listing = None
        self.status.error(message)
        self.member_list.clear()
        self.member_list.border_title = f"{target} · cannot open"
        self.suggested = suggested_targets(target, message)
        self.detail.cannot_open(target, message, self._what_next())

    def _what_next(self) -> str:
        """What the error page offers: the names meant (links; `g` Enter opens the first),
        another target, and Back only when there is somewhere to go back to."""
        back = ", or Backspace to go back" if self.history.can_go_back else ""
        if not self.suggested:
            return f"Press `g` to open another target{back}."
        links = ", ".join(f"[{name}]({name})" for name in self.suggested)
        which = "it" if len(self.suggested) == 1 else "one"
        return (f"Did you mean {links}? Click {which}, or press `g` then Enter to open "
                f"`{self.suggested[0]}`{back}.")  # fmt: skip

    def _flags(self) -> str:
        toggles = (("private", self.show_private), ("dunder", self.show_dunder))
        flags = [name for name, on in toggles if on]
        return f" +{'+'.join(flags)}" if flags else ""

    def action_toggle_private(self) -> None:
        self.show_private = not self.show_private

    def action_toggle_dunder(self) -> None:
        self.show_dunder = not self.show_dunder

    def watch_show_private(self) -> None:
        self._relist()

    def watch_show_dunder(self) -> None:
        self._relist()

    def _relist(self) -> None:
        self.notify(
            f"private {'on' if self.show_private else 'off'}, "
            f"dunder {'on' if self.show_dunder else 'off'}",
            timeout=2,
        )
        location = self.snapshot()
        self.listing = None
        self._listing_worker = self.load_listing(location)

    def action_cancel(self) -> None:
        worker = self._listing_worker
        if self.status.working and worker is not None and not worker.is_finished:
            worker.cancel()
            self.member_list.loading = False
            self.status.info("cancelled; restarting the worker…")
            self.detail.import_cancelled(self.target)
            self.restart_worker()
        elif self.member_list.filter_input.has_focus:
            self.member_list.filter_input.value = ""
            self.member_list.options.focus()
        elif self.focused is not None and self.detail in self.focused.ancestors:
            self.member_list.options.focus()
        elif self.member_list.typed:  # on the list: a filter that hides members goes
            self.member_list.clear_filter()

    @work(exit_on_error=False)
    async def restart_worker(self) -> None:
        try:
            await self.backend.restart()
        except BackendError as error:
            self.status.error(f"the worker did not restart: {error}")
            return
        self.status.info("import cancelled; the worker was restarted")
