"""The right pane: Doc, help(), Source and (for classes) Members tabs for one object.

Each tab is fetched from the worker only when it is visible, and refetched
only when the object changes. A fetch that fails shows its message in the tab
that asked (each worker knows which one); anything unexpected goes to the app.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Markdown, TabbedContent, TabPane

from explorer.core.model import Doc, Kind, Member
from explorer.core.render.markdown import members_markdown
from explorer.tui.services.backend import Backend, BackendError
from explorer.tui.widgets.doc_view import DocView, ExampleFactory
from explorer.tui.widgets.text_views import HelpView, SourceView
from explorer.tui.workers import WorkerErrors

TAB_IDS = {"doc": "doc", "help": "help", "source": "source", "members": "members-tab"}
TAB_VIEWS = {"doc": "#doc-view", "help": "#help-view", "source": "#source-view",
             "members-tab": "#class-members"}  # fmt: skip


class DetailPane(WorkerErrors, Vertical):
    """`show(qualname, member)` fills the tabs; `tabs.add_pane` adds more (e.g. a runner)."""

    private: reactive[bool] = reactive(False)  # bound to the screen's toggles
    dunder: reactive[bool] = reactive(False)

    def __init__(
        self,
        backend: Backend,
        *,
        example_factory: ExampleFactory,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.backend = backend
        self.example_factory = example_factory
        self.member: Member | None = None  # what the tabs show
        self._shown: dict[str, str] = {}  # tab id -> qualname it currently shows
        self._docs: dict[str, Doc] = {}
        self._doc_scroll = 0.0  # restored once the next doc arrives (back/forward)

    def compose(self) -> ComposeResult:
        with TabbedContent(id="detail", initial="doc"):
            with TabPane("Doc", id="doc"):
                yield DocView(id="doc-view", example_factory=self.example_factory)
            with TabPane("help()", id="help"):
                yield HelpView(id="help-view")
            with TabPane("Source", id="source"):
                yield SourceView(id="source-view")
            with TabPane("Members", id="members-tab"):
                yield Markdown(id="class-members", open_links=False)

    def on_mount(self) -> None:
        self.tabs.hide_tab("members-tab")

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#detail", TabbedContent)

    @property
    def doc_view(self) -> DocView:
        return self.query_one(DocView)

    @property
    def is_class(self) -> bool:
        return bool(self.member and self.member.kind.is_class)

    def show(self, qualname: str, member: Member | None = None, doc_scroll: float = 0.0) -> None:
        self.member = member or Member(qualname.rsplit(".", 1)[-1], qualname, Kind.DATA)
        self._doc_scroll = doc_scroll
        if self.is_class:
            self.tabs.show_tab("members-tab")
        else:
            if self.tabs.active == "members-tab":
                self.tabs.active = "doc"
            self.tabs.hide_tab("members-tab")
        self.load_doc(qualname)
        active = self.tabs.active
        if active and active != "doc":
            self.load_tab(active, qualname)

    def clear(self, message: str) -> None:
        """Nothing to show (the target did not open): every tab says why, none is stale."""
        self.member = None
        self._shown.clear()
        self.tabs.active = "doc"
        self.tabs.hide_tab("members-tab")
        self.query_one(HelpView).show(message)
        self.query_one(SourceView).show_message(message)

    def forget(self) -> None:
        """Listing flags changed: tabs showing member lists must refetch."""
        self._shown.clear()

    def activate(self, tab: str) -> bool:
        pane = TAB_IDS.get(tab, tab)
        if pane == "members-tab" and not self.is_class:
            return False
        self.tabs.active = pane
        return True

    def focus_active_tab(self) -> None:
        self.query_one(TAB_VIEWS.get(self.tabs.active, "#doc-view")).focus()

    @work(exclusive=True, group="doc", exit_on_error=False)
    async def load_doc(self, qualname: str) -> None:
        await asyncio.sleep(0.05)  # cursor held down: only the last member is fetched
        try:
            doc = self._docs.get(qualname) or await self.backend.doc(qualname)
        except BackendError as error:
            await self.doc_view.show_message(f"**No doc for `{qualname}`**\n\n{error}")
            return
        self._docs[qualname] = doc
        value = None
        if self.member is not None and self.member.qualname == qualname:
            self.member = replace(self.member, kind=doc.kind)
            if doc.kind == Kind.DATA:
                value = self.member.error or self.member.summary or None
        await self.doc_view.show(doc, value)
        scroll, self._doc_scroll = self._doc_scroll, 0.0
        self.doc_view.scroll_home(animate=False, immediate=True)
        if scroll:
            # The new content has no height until the next layout: scroll after it.
            self.doc_view.call_after_refresh(self.doc_view.scroll_to, y=scroll, animate=False)

    @on(TabbedContent.TabActivated, "#detail")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id or "doc"
        if pane != "doc" and self.member is not None:
            self.load_tab(pane, self.member.qualname)

    @work(exclusive=True, group="tab", exit_on_error=False)
    async def load_tab(self, tab: str, qualname: str) -> None:
        if self._shown.get(tab) == qualname:
            return
        try:
            await self._fill_tab(tab, qualname)
        except BackendError as error:
            self._shown.pop(tab, None)
            await self._tab_message(tab, str(error))
            return
        self._shown[tab] = qualname

    async def _fill_tab(self, tab: str, qualname: str) -> None:
        if tab == "help":
            self.query_one(HelpView).show(await self.backend.help_text(qualname))
        elif tab == "source":
            self.query_one(SourceView).show(await self.backend.source(qualname))
        elif tab == "members-tab":
            listing = await self.backend.listing(qualname, private=self.private, dunder=self.dunder)
            await self.query_one("#class-members", Markdown).update(members_markdown(listing))

    async def _tab_message(self, tab: str, message: str) -> None:
        if tab == "source":
            self.query_one(SourceView).show_message(message)
        elif tab == "help":
            self.query_one(HelpView).show(message)
        else:
            await self.query_one("#class-members", Markdown).update(message)
