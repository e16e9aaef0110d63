"""The main screen: breadcrumb, the target and its members on the left, the detail tabs.

A target opens on itself: its own Doc, help() and Source (as help() and IPython's
`?` do); its members are listed under it. All data comes from the worker through
`Backend` in Textual workers; each worker handles its own backend errors where the
user is looking, anything else goes to the app (explorer.tui.workers). Navigation
(open, up, links, back/forward) goes through `History[Location]`, so back restores
selection and scroll.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Markdown, TabbedContent
from textual.worker import Worker

from explorer.core.model import Kind, Listing, Member
from explorer.tui.editor import open_in_editor
from explorer.tui.providers import MemberProvider
from explorer.tui.screens.links import LinkPicker
from explorer.tui.screens.output import ModuleOutput
from explorer.tui.screens.prompt import TargetPrompt
from explorer.tui.services.backend import Backend, BackendError
from explorer.tui.services.history import History, Location
from explorer.tui.widgets.breadcrumb import Breadcrumb
from explorer.tui.widgets.detail_pane import DetailPane
from explorer.tui.widgets.doc_view import DocView, ExampleFactory
from explorer.tui.widgets.footer import AppFooter
from explorer.tui.widgets.member_list import MemberList
from explorer.tui.widgets.status import StatusLine
from explorer.tui.widgets.text_views import SourceView
from explorer.tui.workers import WorkerErrors


class ExplorerScreen(WorkerErrors, Screen[None]):
    AUTO_FOCUS = "#member-options"
    COMMANDS = {MemberProvider}
    KEYS_TITLE = "Exploring"
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", tooltip="Filter members (Enter opens the top)"),
        Binding("g", "prompt_target", "Go to"),
        Binding("backspace", "back", "Back"),
        Binding("u", "up", "Up", tooltip="Up to the parent (Normal -> distributions)"),
        Binding("h", "show_tab('help')", "help()", tooltip="help() tab"),
        Binding("s", "show_tab('source')", "Source", tooltip="Source tab"),
        Binding("t", "itself", "The target itself (Home in the list too)", show=False),
        Binding("alt+left", "back", "Back", show=False),
        Binding("alt+right", "forward", "Forward", show=False),
        Binding("1", "show_tab('doc')", "Doc tab", show=False),
        Binding("2", "show_tab('help')", "help() tab", show=False),
        Binding("3", "show_tab('source')", "Source tab", show=False),
        Binding("4", "show_tab('members')", "Members tab (classes)", show=False),
        Binding("l", "pick_link", "Follow a link", show=False),
        Binding("p", "toggle_private", "Private names on/off", show=False),
        Binding("d", "toggle_dunder", "Dunder names on/off", show=False),
        Binding("o", "module_output", "What the module printed", show=False),
        Binding("e", "open_editor", "Open the source in $EDITOR", show=False),
        Binding("escape", "cancel", "Cancel an import; back to the list", show=False),
    ]
    KEY_NOTES = (("↑ ↓ Enter", "Move through members; Enter opens a class or module"),)

    show_private: reactive[bool] = reactive(False, init=False)
    show_dunder: reactive[bool] = reactive(False, init=False)

    class TargetOpened(Message):
        """A target's listing arrived: it exists (recents keep only such targets)."""

        def __init__(self, screen: ExplorerScreen, target: str) -> None:
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
            ).data_bind(private=ExplorerScreen.show_private, dunder=ExplorerScreen.show_dunder)
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

    def open_target(self, target: str, select: str | None = None) -> None:
        self.navigate(Location(target, selected=select))

    def follow_link(self, target: str, role: str = "obj") -> None:
        """A cross-reference: modules open; anything else opens its parent with it selected."""
        parent, _, name = target.rpartition(".")
        if role == "mod" or not parent:
            self.open_target(target)
        else:
            self.open_target(parent, select=name)

    def snapshot(self) -> Location:
        selected = self.member_list.selected
        return Location(
            target=self.target,
            selected=selected.name if selected else None,
            tab=self.tabs.active or "doc",
            list_scroll=self.member_list.options.scroll_y,
            doc_scroll=self.detail.doc_view.scroll_y,
        )

    def action_back(self) -> None:
        if not self.history.can_go_back:
            if len(self.app.screen_stack) > 2:
                self.app.pop_screen()  # opened from the home screen: return there
            else:
                self.notify("No earlier place", timeout=2)
            return
        self.history.replace_current(self.snapshot())
        self.navigate(self.history.back() or self._first, record=False)

    def action_forward(self) -> None:
        if not self.history.can_go_forward:
            self.notify("No later place", timeout=2)
            return
        self.history.replace_current(self.snapshot())
        self.navigate(self.history.forward() or self._first, record=False)

    def action_up(self) -> None:
        """torch.distributions.Normal -> torch.distributions, with Normal selected."""
        parent, _, name = self.target.rpartition(".")
        if not parent:
            self.notify(f"Nothing above {self.target}: it is a top-level name", timeout=3)
            return
        self.open_target(parent, select=name)

    def action_itself(self) -> None:
        self.member_list.select_itself()
        self.member_list.options.focus()

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

    def action_focus_filter(self) -> None:
        self.member_list.filter_input.focus()

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

    # ---- members and tabs ---------------------------------------------------
    @on(MemberList.Highlighted)
    def _member_highlighted(self, event: MemberList.Highlighted) -> None:
        member = event.member
        self.detail.show(member.qualname if member else self.target, member or self.itself())

    @on(MemberList.Activated)
    def _member_activated(self, event: MemberList.Activated) -> None:
        """Enter opens a class or module; on anything else it moves into its docs
        (arrows scroll them; Esc comes back to the list)."""
        member = event.member
        if member is not None and member.kind.opens and not member.error:
            self.open_target(member.qualname)
        else:
            self.detail.focus_active_tab()

    def action_show_tab(self, tab: str) -> None:
        focused = self.focused
        inside_detail = focused is not None and self.detail in focused.ancestors_with_self
        if not self.detail.activate(tab):
            self.notify("Members is for classes", timeout=2)
        elif inside_detail:
            # The focused widget is now hidden; Textual would move focus to a hidden
            # sibling (another example) and switch back to its tab. Focus the new tab.
            self.detail.focus_active_tab()

    # ---- links, palette, editor, output ------------------------------------
    @on(DocView.LinkFollowed)
    def _link_followed(self, event: DocView.LinkFollowed) -> None:
        doc = self.detail.doc_view.doc
        links = doc.links if doc else ()
        role = next((link.role for link in links if link.target == event.target), "obj")
        self.follow_link(event.target, role)

    @on(Markdown.LinkClicked, "#class-members")
    def _member_link(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        self.follow_link(event.href)

    @on(Breadcrumb.SegmentClicked)
    def _segment_clicked(self, event: Breadcrumb.SegmentClicked) -> None:
        if event.target != self.target:
            self.open_target(event.target)

    def action_pick_link(self) -> None:
        doc = self.detail.doc_view.doc
        if doc is None or not doc.links:
            self.notify("No links in this doc", timeout=2)
            return

        def chosen(index: int | None) -> None:
            if index is not None and doc is not None:
                link = doc.links[index]
                self.follow_link(link.target, link.role)

        self.app.push_screen(LinkPicker(doc.links), chosen)

    def action_prompt_target(self) -> None:
        def chosen(target: str | None) -> None:
            if target:
                self.open_target(target)

        self.app.push_screen(TargetPrompt(self.target, self.backend), chosen)

    def goto_member(self, name: str) -> None:
        """Palette jump: select `name` in the current listing (clearing the filter)."""
        members = self.member_list
        if not members.select(name):
            members.show(
                self.listing or Listing(self.target, Kind.MODULE), select=name, keep_filter=False
            )
        members.options.focus()

    def action_open_editor(self) -> None:
        source = self.query_one(SourceView).source
        if source is None or not source.file:
            self.notify("Open the Source tab (s) of something with source first", timeout=3)
            return
        open_in_editor(self.app, source.file, source.line)

    def action_module_output(self) -> None:
        self.show_module_output()

    @work(exit_on_error=False)
    async def show_module_output(self) -> None:
        try:
            text = await self.backend.output()
        except BackendError as error:
            self.notify(str(error), severity="error")
            return
        self.app.push_screen(ModuleOutput(text))
