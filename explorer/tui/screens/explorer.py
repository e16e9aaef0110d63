"""The main screen: a target view (explorer.tui.screens.target_view) with navigation and keys.

Navigation (open, up, links, back/forward) goes through `History[Location]`, so
back restores selection and scroll. Enter opens a class or module, the palette
jumps to a member, `l` follows a link, `g` opens another target, `e` the
source in $EDITOR, `o` what the module printed while importing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.binding import Binding
from textual.widget import Widget

from explorer.core.model import Kind, Listing
from explorer.tui.editor import open_in_editor
from explorer.tui.providers import MemberProvider
from explorer.tui.screens.links import LinkPicker
from explorer.tui.screens.output import ModuleOutput
from explorer.tui.screens.prompt import TargetPrompt
from explorer.tui.screens.target_view import TargetView
from explorer.tui.services.backend import BackendError
from explorer.tui.services.history import Location
from explorer.tui.widgets.breadcrumb import Breadcrumb
from explorer.tui.widgets.doc_view import DocView
from explorer.tui.widgets.example_code import EXAMPLE_KEYS
from explorer.tui.widgets.member_list import MemberList
from explorer.tui.widgets.text_views import SourceView

if TYPE_CHECKING:  # the Markdown widget loads with the first doc (explorer.tui.deferred)
    from textual.widgets import Markdown


class ExplorerScreen(TargetView):
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
        Binding("x", "examples", "To the Doc tab's first example (then Tab: the next)", show=False),
        Binding(
            "r", "run_first_example", "Run the first example (on an example: that one)", show=False
        ),  # fmt: skip
    ]
    KEY_NOTES = (
        ("↑ ↓ Enter", "Move through members; Enter opens a class or module"),
        ("ctrl+p", "Command palette: members, and any name of the package once indexed"),
        ("  ›", "in the list: a class or module (Enter opens it)"),
        ("  !", "in the list: looking at it raised an error (its Doc says what)"),
    )
    KEY_SECTIONS = (("On a docstring example (x or Tab gets there)", EXAMPLE_KEYS),)

    def open_target(self, target: str, select: str | None = None) -> None:
        self.navigate(Location(target, selected=select))

    def follow_link(self, target: str, role: str = "obj") -> None:
        """A cross-reference: modules open; anything else opens its parent with it selected."""
        parent, _, name = target.rpartition(".")
        if role == "mod" or not parent:
            self.open_target(target)
        else:
            self.open_target(parent, select=name)

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
        if not parent and self.listing is not None and self.listing.kind is not Kind.MODULE:
            parent = "builtins"  # a bare name that is not a module is a builtin (print)
        if not parent:
            self.notify(f"Nothing above {self.target}: it is a top-level name", timeout=3)
            return
        self.open_target(parent, select=name)

    def action_itself(self) -> None:
        self.member_list.select_itself()
        self.member_list.options.focus()

    def action_focus_filter(self) -> None:
        self.member_list.filter_input.focus()

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

    @on(MemberList.PathRequested)
    def _path_requested(self, event: MemberList.PathRequested) -> None:
        self.follow_link(event.path)  # Normal.sample: Normal opens with sample selected

    def _first_example(self) -> Widget | None:
        self.detail.activate("doc")
        examples = self.detail.doc_view.query("ExampleRunner")  # by name: imported on use
        if not examples:
            doc = self.detail.doc_view.doc
            self.notify(f"{doc.qualname if doc else self.target} has no examples", timeout=3)
            return None
        first = examples.first()
        first.focus(scroll_visible=False)
        self.call_after_refresh(first.scroll_visible, top=True)  # once the Doc tab is laid out
        return first

    def action_examples(self) -> None:
        self._first_example()

    def action_run_first_example(self) -> None:
        from explorer.tui.widgets.example_runner import ExampleRunner  # loaded with the doc

        if isinstance(first := self._first_example(), ExampleRunner):
            first.action_run()

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
        if doc is None:  # a message page: its links are whole targets (did you mean ...?)
            self.open_target(event.target)
            return
        role = next((link.role for link in doc.links if link.target == event.target), "obj")
        self.follow_link(event.target, role)

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """A member named in the Members tab (the Doc tab's links come as LinkFollowed)."""
        if event.markdown.id == "class-members":
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

        meant = self.suggested[0] if self.listing is None and self.suggested else self.target
        self.app.push_screen(TargetPrompt(meant, self.backend), chosen)

    def goto_member(self, name: str) -> None:
        """Palette jump: select `name` in the current listing (clearing the filter)."""
        members = self.member_list
        if not members.select(name):
            members.show(
                self.listing or Listing(self.target, Kind.MODULE), select=name, keep_filter=False
            )
        members.options.focus()

    def action_open_editor(self) -> None:
        self.open_source_in_editor()

    @work(exclusive=True, group="editor", exit_on_error=False)
    async def open_source_in_editor(self) -> None:
        """The source of what the Doc tab shows (the selected member, or the target)."""
        member = self.detail.member
        qualname = member.qualname if member else self.target
        source = self.query_one(SourceView).source
        if source is None or source.qualname != qualname:
            try:
                source = await self.backend.source(qualname)
            except BackendError as error:
                self.notify(str(error), severity="error")
                return
        if not source.file:
            why = source.error or "no source file (built in, or written in C)"
            self.notify(f"{qualname}: {why}", timeout=4)
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
