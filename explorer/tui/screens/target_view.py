"""One target on screen: the layout, its listing and detail, and how they are loaded.

A target opens on itself: its own Doc, help() and Source (as help() and IPython's
`?` do); its members are listed under it. All data comes from the worker through
`Backend` in Textual workers; each worker handles its own backend errors where the
user is looking, anything else goes to the app (explorer.tui.workers).

`snapshot`/`_restore` turn the view into a `Location` and back (for history).
The explorer screen (explorer.tui.screens.explorer) adds navigation and keys.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import TabbedContent
from textual.worker import Worker

from explorer.core.model import Kind, Listing, Member
from explorer.tui.services.backend import Backend, BackendError
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
    ) -> None:
        super().__init__()
        self.backend = backend
        self.example_factory = example_factory
        self.history: History[Location] = History()
        self.listing: Listing | None = None
        self._first = Location(target)
        self._listing_worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Breadcrumb(id="breadcrumb")
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
        if self.listing is not None and self.listing.target == location.target:
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
            members.select_itself()
            detail.show(self.target, self.itself(), location.doc_scroll)
        elif members.select(location.selected):
            qualname = f"{location.target}.{location.selected}"
            detail.show(qualname, members.selected, location.doc_scroll)
        else:
            # Not in the listing (private, or filtered out): show its doc anyway.
            detail.show(f"{location.target}.{location.selected}")
        members.options.scroll_to(y=location.list_scroll, animate=False, immediate=True)
        members.options.scroll_to_highlight()

    # ---- listing ------------------------------------------------------------
    @work(exclusive=True, group="listing", exit_on_error=False)
    async def load_listing(self, location: Location) -> None:
        self.status.start(f"importing {location.target}")
        members = self.member_list
        members.loading = True
        try:
            listing = await self.backend.listing(
                location.target, private=self.show_private, dunder=self.show_dunder
            )
        except BackendError as error:
            self._cannot_open(location.target, str(error))
            return
        finally:
            members.loading = False
        self.status.done()
        self.listing = listing
        self.detail.forget()
        members.border_title = f"{listing.target} · {listing.kind}{self._flags()}"
        with members.prevent(MemberList.Highlighted):
            members.show(listing, select=location.selected, keep_filter=False)
        self._restore(location)
        self.post_message(self.TargetOpened(self, listing.target))

    def _cannot_open(self, target: str, message: str) -> None:
        self.listing = None
        self.status.error(message)
        self.member_list.clear()
        self.member_list.border_title = f"{target} · cannot open"
        self.detail.clear(message)
        self.detail.doc_view.call_later(
            self.detail.doc_view.show_message,
            f"**Cannot open `{target}`**\n\n{message}\n\n"
            "Press `g` to open another target, or Backspace to go back.",
        )

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
            self.detail.doc_view.call_later(
                self.detail.doc_view.show_message,
                f"**Import of `{self.target}` cancelled.**\n\n"
                "Press `g` to open another target, or Backspace to go back.",
            )
            self.restart_worker()
        elif self.member_list.filter_input.has_focus:
            self.member_list.filter_input.value = ""
            self.member_list.options.focus()
        elif self.focused is not None and self.detail in self.focused.ancestors:
            self.member_list.options.focus()

    @work(exit_on_error=False)
    async def restart_worker(self) -> None:
        try:
            await self.backend.restart()
        except BackendError as error:
            self.status.error(f"the worker did not restart: {error}")
            return
        self.status.info("import cancelled; the worker was restarted")
