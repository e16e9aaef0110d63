"""The main screen: breadcrumb, members on the left, Doc/help()/Source/Members tabs on the right.

All data comes from the worker through `Backend` in Textual workers; errors of
every worker land in `on_worker_state_changed`. Navigation (open, links,
back/forward) goes through `History[Location]`, so back restores selection and scroll.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Markdown, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from explorer.core.model import Doc, Listing, Member
from explorer.tui.backend import Backend, BackendError
from explorer.tui.commands import MemberProvider
from explorer.tui.doc_markdown import members_markdown, mro_from_help
from explorer.tui.history import History, Location
from explorer.tui.screens.links import LinkPicker
from explorer.tui.screens.prompt import TargetPrompt
from explorer.tui.widgets.breadcrumb import Breadcrumb
from explorer.tui.widgets.doc_view import DocView
from explorer.tui.widgets.member_list import OPENABLE_KINDS, MemberList
from explorer.tui.widgets.status import StatusLine
from explorer.tui.widgets.text_views import HelpView, SourceView

TABS = ("doc", "help", "source", "members")
CLASS_KINDS = ("class", "exception")


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
        Binding("e", "open_editor", "Edit source", show=False),
        Binding("escape", "cancel", "Cancel", show=False),
    ]

    def __init__(self, backend: Backend, target: str, *, runnable: bool = False) -> None:
        super().__init__()
        self.backend = backend
        self.runnable = runnable  # examples get Run/Edit once a kernel exists
        self.history: History[Location] = History()
        self.listing: Listing | None = None
        self.private = False
        self.dunder = False
        self._first = Location(target)
        self._pending: Location | None = None  # selection/scroll to restore after loading
        self._detail: Member | None = None  # what the tabs are showing
        self._shown: dict[str, str] = {}  # tab -> qualname it currently shows
        self._docs: dict[str, Doc] = {}
        self._tab_loading = "doc"

    # ---- layout -------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Breadcrumb(id="breadcrumb")
        yield StatusLine(id="status")
        with Horizontal(id="body"):
            yield MemberList(id="members")
            with Vertical(id="detail-pane"), TabbedContent(id="detail", initial="doc"):
                with TabPane("Doc", id="doc"):
                    yield DocView(id="doc-view", runnable=self.runnable)
                with TabPane("help()", id="help"):
                    yield HelpView(id="help-view")
                with TabPane("Source", id="source"):
                    yield SourceView(id="source-view")
                with TabPane("Members", id="members-tab"):
                    yield Markdown(id="class-members", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        self.tabs.hide_tab("members-tab")
        self.navigate(self._first)

    @property
    def target(self) -> str:
        current = self.history.current
        return current.target if current else self._first.target

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#detail", TabbedContent)

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
            doc_scroll=self.query_one(DocView).scroll_y,
        )

    def action_back(self) -> None:
        if not self.history.can_go_back:
            if len(self.app.screen_stack) > 2:
                self.app.pop_screen()
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
        self._pending = location
        members = self.member_list
        if location.selected is not None and not members.select(location.selected):
            # Not in the listing (private, or filtered out): show its doc anyway.
            self.load_detail_for(f"{location.target}.{location.selected}")
        members.options.scroll_to(y=location.list_scroll, animate=False, immediate=True)
        members.options.scroll_to_highlight()
        self.tabs.active = location.tab if location.tab in TABS else "doc"

    # ---- listing ------------------------------------------------------------
    @work(exclusive=True, group="listing", exit_on_error=False)
    async def load_listing(self, location: Location) -> None:
        self.status.start(f"importing {location.target}")
        self.member_list.loading = True
        try:
            listing = await self.backend.listing(
                location.target, private=self.private, dunder=self.dunder
            )
        finally:
            self.member_list.loading = False
        self.status.done()
        self.listing = listing
        self._shown.clear()
        self.member_list.border_title = f"{listing.target} · {listing.kind}{self._flags()}"
        self.member_list.show(listing, select=location.selected, keep_filter=False)
        if not listing.members:
            self.load_detail_for(listing.target)
        self._restore(location)

    def _flags(self) -> str:
        flags = [name for name, on in (("private", self.private), ("dunder", self.dunder)) if on]
        return f" +{'+'.join(flags)}" if flags else ""

    def action_toggle_private(self) -> None:
        self.private = not self.private
        self._relist()

    def action_toggle_dunder(self) -> None:
        self.dunder = not self.dunder
        self._relist()

    def _relist(self) -> None:
        self.notify(f"private {'on' if self.private else 'off'}, "
                    f"dunder {'on' if self.dunder else 'off'}", timeout=2)
        location = self.snapshot()
        self.listing = None
        self.load_listing(location)

    def action_focus_filter(self) -> None:
        self.member_list.filter_input.focus()

    def action_cancel(self) -> None:
        if self.status.state == "busy":
            self.workers.cancel_group(self, "listing")
            self.member_list.loading = False
            self.status.info("cancelled; restarting the worker…")
            self.restart_worker()
        elif self.member_list.filter_input.has_focus:
            self.member_list.filter_input.value = ""
            self.member_list.options.focus()

    @work(group="restart", exit_on_error=False)
    async def restart_worker(self) -> None:
        await self.backend.restart()
        self.status.info("import cancelled; the worker was restarted")

    # ---- detail tabs --------------------------------------------------------
    @on(MemberList.Highlighted)
    def _member_highlighted(self, event: MemberList.Highlighted) -> None:
        member = event.member
        self.load_detail_for(member.qualname if member else self.target, member)

    @on(MemberList.Activated)
    def _member_activated(self, event: MemberList.Activated) -> None:
        if event.member.kind in OPENABLE_KINDS and not event.member.error:
            self.open_target(event.member.qualname)
        else:
            self.query_one(DocView).focus()

    def load_detail_for(self, qualname: str, member: Member | None = None) -> None:
        self._detail = member or Member(qualname.rsplit(".", 1)[-1], qualname, "data")
        is_class = bool(member and member.kind in CLASS_KINDS)
        if is_class:
            self.tabs.show_tab("members-tab")
        else:
            if self.tabs.active == "members-tab":
                self.tabs.active = "doc"
            self.tabs.hide_tab("members-tab")
        self.load_doc(qualname)
        active = self.tabs.active
        if active and active != "doc":
            self.load_tab(active, qualname)

    @work(exclusive=True, group="doc", exit_on_error=False)
    async def load_doc(self, qualname: str) -> None:
        await asyncio.sleep(0.05)  # cursor held down: only the last member is fetched
        doc = self._docs.get(qualname) or await self.backend.doc(qualname)
        self._docs[qualname] = doc
        if self._detail is not None and self._detail.qualname == qualname:
            self._detail.kind = doc.kind
        view = self.query_one(DocView)
        await view.show(doc)
        pending, self._pending = self._pending, None
        if pending is not None and pending.doc_scroll:
            view.scroll_to(y=pending.doc_scroll, animate=False, immediate=True)
        else:
            view.scroll_home(animate=False)

    @on(TabbedContent.TabActivated, "#detail")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id or "doc"
        if pane != "doc" and self._detail is not None:
            self.load_tab(pane, self._detail.qualname)

    @work(exclusive=True, group="tab", exit_on_error=False)
    async def load_tab(self, tab: str, qualname: str) -> None:
        if self._shown.get(tab) == qualname:
            return
        self._tab_loading = tab
        if tab == "help":
            self.query_one(HelpView).show(await self.backend.help_text(qualname))
        elif tab == "source":
            self.query_one(SourceView).show(await self.backend.source(qualname))
        elif tab == "members-tab":
            await self._show_class_members(qualname)
        self._shown[tab] = qualname

    async def _show_class_members(self, qualname: str) -> None:
        listing = await self.backend.listing(qualname, private=self.private, dunder=self.dunder)
        mro = mro_from_help(await self.backend.help_text(qualname))
        view = self.query_one("#class-members", Markdown)
        await view.update(members_markdown(listing, mro))

    def action_show_tab(self, tab: str) -> None:
        pane = "members-tab" if tab == "members" else tab
        if pane == "members-tab" and not (self._detail and self._detail.kind in CLASS_KINDS):
            self.notify("Members is for classes", timeout=2)
            return
        self.tabs.active = pane

    # ---- links, palette, editor --------------------------------------------
    @on(DocView.LinkFollowed)
    def _link_followed(self, event: DocView.LinkFollowed) -> None:
        doc = self.query_one(DocView).doc
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
        doc = self.query_one(DocView).doc
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
            members.filter_input.value = ""
            members.show(self.listing or Listing(self.target, "module"), select=name)
        members.options.focus()

    def action_open_editor(self) -> None:
        source = self.query_one(SourceView).source
        if source is None or not source.file:
            self.notify("Open the Source tab of something with source first", timeout=3)
            return
        editor = shlex.split(os.environ.get("EDITOR") or os.environ.get("VISUAL") or "vi")
        with self.app.suspend():
            subprocess.run([*editor, f"+{source.line or 1}", source.file], check=False)

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
            self.call_later(self.query_one(DocView).show_message, f"**Cannot open**\n\n{message}")
        elif group == "doc":
            self.call_later(self.query_one(DocView).show_message, f"**No doc**\n\n{message}")
        elif group == "tab":
            self._shown.pop(self._tab_loading, None)
            if self._tab_loading == "source":
                self.query_one(SourceView).show_message(message)
            elif self._tab_loading == "help":
                self.query_one(HelpView).show(message)
            else:
                self.call_later(self.query_one("#class-members", Markdown).update, message)
        else:
            self.status.error(message)
