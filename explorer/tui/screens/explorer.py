"""The main screen: breadcrumb, members on the left, the detail tabs on the right.

All data comes from the worker through `Backend` in Textual workers; errors of
every worker land in `on_worker_state_changed`. Navigation (open, links,
back/forward) goes through `History[Location]`, so back restores selection and scroll.
"""

from __future__ import annotations

import os
import shlex
import subprocess

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Markdown, TabbedContent
from textual.worker import Worker, WorkerState

from explorer.core.model import Kind, Listing
from explorer.tui.providers import MemberProvider
from explorer.tui.screens.links import LinkPicker
from explorer.tui.screens.output import ModuleOutput
from explorer.tui.screens.prompt import TargetPrompt
from explorer.tui.services.backend import Backend, BackendError
from explorer.tui.services.history import History, Location
from explorer.tui.widgets.breadcrumb import Breadcrumb
from explorer.tui.widgets.detail_pane import DetailPane
from explorer.tui.widgets.doc_view import DocView, ExampleFactory
from explorer.tui.widgets.member_list import MemberList
from explorer.tui.widgets.status import StatusLine
from explorer.tui.widgets.text_views import SourceView


class ExplorerScreen(Screen[None]):
    AUTO_FOCUS = "#member-options"
    COMMANDS = {MemberProvider}
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("p", "toggle_private", "Private"),
        Binding("d", "toggle_dunder", "Dunder"),
        Binding("backspace", "back", "Back"),
        Binding("alt+left", "back", "Back", show=False),
        Binding("alt+right", "forward", "Forward", show=False),
        Binding("h", "show_tab('help')", "help()"),
        Binding("s", "show_tab('source')", "Source"),
        Binding("1", "show_tab('doc')", "Doc tab", show=False),
        Binding("2", "show_tab('help')", "help() tab", show=False),
        Binding("3", "show_tab('source')", "Source tab", show=False),
        Binding("4", "show_tab('members')", "Members tab", show=False),
        Binding("l", "pick_link", "Links"),
        Binding("g", "prompt_target", "Go to"),
        Binding("o", "module_output", "Module output", show=False),
        Binding("e", "open_editor", "Edit source", show=False),
        Binding("escape", "cancel", "Cancel", show=False),
    ]

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

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Breadcrumb(id="breadcrumb")
        yield StatusLine(id="status")
        with Horizontal(id="body"):
            yield MemberList(id="members")
            yield DetailPane(
                self.backend,
                example_factory=self.example_factory,
                id="detail-pane",
            )
        yield Footer()

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
        if self.listing is not None and self.listing.target == location.target:
            self._restore(location)
        else:
            self.load_listing(location)

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

    def _restore(self, location: Location) -> None:
        members, detail = self.member_list, self.detail
        detail.tabs.active = location.tab
        current = members.selected
        if location.selected is None:
            if current is not None:
                detail.show(current.qualname, current, location.doc_scroll)
        elif members.select(location.selected):
            member = members.selected
            detail.show(f"{location.target}.{location.selected}", member, location.doc_scroll)
        else:
            # Not in the listing (private, or filtered out): show its doc anyway.
            detail.show(f"{location.target}.{location.selected}")
        members.options.scroll_to(y=location.list_scroll, animate=False, immediate=True)
        members.options.scroll_to_highlight()

    # ---- listing ------------------------------------------------------------
    @work(exclusive=True, group="listing", exit_on_error=False)
    async def load_listing(self, location: Location) -> None:
        self.status.start(f"importing {location.target}")
        members, detail = self.member_list, self.detail
        members.loading = True
        try:
            listing = await self.backend.listing(
                location.target, private=detail.private, dunder=detail.dunder
            )
        finally:
            members.loading = False
        self.status.done()
        self.listing = listing
        detail.forget()
        members.border_title = f"{listing.target} · {listing.kind}{self._flags()}"
        with members.prevent(MemberList.Highlighted):
            members.show(listing, select=location.selected, keep_filter=False)
        if not listing.members:
            detail.show(listing.target)
        self._restore(location)

    def _flags(self) -> str:
        detail = self.detail
        toggles = (("private", detail.private), ("dunder", detail.dunder))
        flags = [name for name, on in toggles if on]
        return f" +{'+'.join(flags)}" if flags else ""

    def action_toggle_private(self) -> None:
        self.detail.private = not self.detail.private
        self._relist()

    def action_toggle_dunder(self) -> None:
        self.detail.dunder = not self.detail.dunder
        self._relist()

    def _relist(self) -> None:
        detail = self.detail
        self.notify(
            f"private {'on' if detail.private else 'off'}, "
            f"dunder {'on' if detail.dunder else 'off'}",
            timeout=2,
        )
        location = self.snapshot()
        self.listing = None
        self.load_listing(location)

    def action_focus_filter(self) -> None:
        self.member_list.filter_input.focus()

    def action_cancel(self) -> None:
        if self.status.working:
            self.workers.cancel_group(self, "listing")
            self.member_list.loading = False
            self.status.info("cancelled; restarting the worker…")
            self.call_later(
                self.detail.doc_view.show_message,
                f"**Import of `{self.target}` cancelled.**\n\n"
                "Press `g` to open another target, or Backspace to go back.",
            )
            self.restart_worker()
        elif self.member_list.filter_input.has_focus:
            self.member_list.filter_input.value = ""
            self.member_list.options.focus()

    @work(group="restart", exit_on_error=False)
    async def restart_worker(self) -> None:
        await self.backend.restart()
        self.status.info("import cancelled; the worker was restarted")

    # ---- members and tabs ---------------------------------------------------
    @on(MemberList.Highlighted)
    def _member_highlighted(self, event: MemberList.Highlighted) -> None:
        member = event.member
        self.detail.show(member.qualname if member else self.target, member)

    @on(MemberList.Activated)
    def _member_activated(self, event: MemberList.Activated) -> None:
        if event.member.kind.opens and not event.member.error:
            self.open_target(event.member.qualname)
        else:
            self.detail.doc_view.focus()

    def action_show_tab(self, tab: str) -> None:
        if not self.detail.activate(tab):
            self.notify("Members is for classes", timeout=2)

    # ---- links, palette, editor, output ------------------------------------
    @on(DocView.LinkFollowed)
    def _link_followed(self, event: DocView.LinkFollowed) -> None:
        doc = self.detail.doc_view.doc
        links = doc.links if doc else []
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

        self.app.push_screen(TargetPrompt(self.target), chosen)

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
            self.notify("Open the Source tab of something with source first", timeout=3)
            return
        editor = shlex.split(os.environ.get("EDITOR") or os.environ.get("VISUAL") or "vi")
        with self.app.suspend():
            subprocess.run([*editor, f"+{source.line or 1}", source.file], check=False)

    @work(group="output", exit_on_error=False)
    async def action_module_output(self) -> None:
        self.app.push_screen(ModuleOutput(await self.backend.output()))

    # ---- errors of every worker land here ----------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        message = str(error) if isinstance(error, BackendError) else f"internal error: {error!r}"
        group = event.worker.group
        if group == "listing":
            self.status.error(message)
            self.member_list.clear()
            self.call_later(self.detail.doc_view.show_message, f"**Cannot open**\n\n{message}")
        elif group in ("doc", "tab"):
            self.detail.show_error(group, message)
        else:
            self.status.error(message)
