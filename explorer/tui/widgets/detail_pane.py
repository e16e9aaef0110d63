"""The right pane: Doc, help(), Source and (for classes) Members tabs for one object.

Each tab is fetched from the worker only when it is visible, and refetched
only when the object changes. A fetch that fails shows its message in the tab
that asked (each worker knows which one); anything unexpected goes to the app.

While the screen shows a first paint from the search index (`early`), the Doc
and Members tabs show the index's answer at once and the live one when it
comes; help() and Source say they are pending. If the live answer fails, the
index's doc stays, with the error in its note.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widget import AwaitMount
from textual.widgets import TabbedContent, TabPane

from explorer.core.model import Doc, Kind, Member
from explorer.tui.deferred import markdown_widget, members_markdown
from explorer.tui.services.backend import Backend, BackendError
from explorer.tui.services.first_paint import IndexPaint
from explorer.tui.widgets.doc_view import DocView, ExampleFactory, pending_note
from explorer.tui.widgets.text_views import HelpView, SourceView
from explorer.tui.workers import WorkerErrors

if TYPE_CHECKING:
    from textual.widgets import Markdown

PENDING = {
    "help": "help() needs the live object: pending until the worker has imported it…",
    "source": "Source needs the live object: pending until the worker has imported it…",
}
WHAT_NEXT = "Press `g` to open another target, or Backspace to go back."
TAB_IDS = {"doc": "doc", "help": "help", "source": "source", "members": "members-tab"}
TAB_VIEWS = {"doc": "#doc-view", "help": "#help-view", "source": "#source-view",
             "members-tab": "#members-scroll"}  # fmt: skip


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
        self.early: IndexPaint | None = None  # the index, until the live listing arrives
        self.live_error: str | None = None  # why the live answer will not come
        self._members: tuple[Markdown, AwaitMount] | None = None

    def compose(self) -> ComposeResult:
        with TabbedContent(id="detail", initial="doc"):
            with TabPane("Doc", id="doc"):
                yield DocView(id="doc-view", example_factory=self.example_factory)
            with TabPane("help()", id="help"):
                yield HelpView(id="help-view")
            with TabPane("Source", id="source"):
                yield SourceView(id="source-view")
            with TabPane("Members", id="members-tab"):  # its Markdown view comes with a class
                yield VerticalScroll(id="members-scroll", can_focus=True)

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

    def cannot_open(self, target: str, message: str, what_next: str = WHAT_NEXT) -> None:
        self.clear(message)
        self.doc_view.call_later(
            self.doc_view.show_message,
            f"**Cannot open `{target}`**\n\n{message}\n\n{what_next}",
        )

    def import_cancelled(self, target: str) -> None:
        if self.doc_view.pending is not None:  # the index's doc stays: it is still right
            self.live_failed("import cancelled")
        else:
            self.doc_view.call_later(
                self.doc_view.show_message, f"**Import of `{target}` cancelled.**\n\n{WHAT_NEXT}"
            )

    def set_early(self, paint: IndexPaint | None) -> None:
        """The screen shows the index's answer (`paint`) until the live one comes (None)."""
        self.early, self.live_error = paint, None

    def live_failed(self, why: str) -> None:
        """The live answer will not come: the index's doc says so, pending tabs show `why`."""
        self.live_error = why
        if self.doc_view.pending is not None and self.doc_view.doc is not None:
            self.doc_view.set_pending(self._index_note(self.doc_view.doc))
        for tab in ("help", "source"):
            if tab not in self._shown:
                self.call_later(self._tab_message, tab, why)

    def _index_note(self, doc: Doc) -> str:
        marker = self.early.marker if self.early else "from index"
        if self.live_error:
            return f"{marker} · the live object is not there: {self.live_error}"
        return pending_note(doc, marker)

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
        await self._screen_drawn()
        doc = self._docs.get(qualname)
        early = self.early
        if doc is None and early is not None:
            provisional = await asyncio.to_thread(early.doc, qualname)
            if provisional is not None:
                await self._show_doc(provisional, pending=self._index_note(provisional))
        try:
            doc = doc or await self.backend.doc(qualname)
        except BackendError as error:
            view = self.doc_view
            if view.pending is not None and view.doc and view.doc.qualname == qualname:
                self.live_error = self.live_error or str(error)
                view.set_pending(self._index_note(view.doc))
            else:
                await view.show_message(f"**No doc for `{qualname}`**\n\n{error}")
            return
        self._docs[qualname] = doc
        await self._show_doc(doc)

    async def _screen_drawn(self) -> None:
        """Wait for the next frame: a doc (parsing, the reST pipeline) never holds back the
        first frame, whose member list is already there."""
        drawn = asyncio.Event()
        self.call_after_refresh(drawn.set)
        await drawn.wait()

    async def _show_doc(self, doc: Doc, *, pending: str | None = None) -> None:
        """Show `doc`; the live doc over the index's keeps the reader's place."""
        view = self.doc_view
        replacing = view.pending is not None and view.doc and view.doc.qualname == doc.qualname
        value = None
        if self.member is not None and self.member.qualname == doc.qualname:
            self.member = replace(self.member, kind=doc.kind)
            if doc.kind == Kind.DATA:
                value = self.member.error or self.member.summary or None
        scroll = view.scroll_y if replacing else self._doc_scroll
        await view.show(doc, value, pending=pending)
        if pending is None:
            self._doc_scroll = 0.0
        view.scroll_home(animate=False, immediate=True)
        if scroll:
            # The new content has no height until the next layout: scroll after it.
            view.call_after_refresh(view.scroll_to, y=scroll, animate=False)

    @on(TabbedContent.TabActivated, "#detail")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id or "doc"
        if pane != "doc" and self.member is not None:
            self.load_tab(pane, self.member.qualname)

    @work(exclusive=True, group="tab", exit_on_error=False)
    async def load_tab(self, tab: str, qualname: str) -> None:
        if self._shown.get(tab) == qualname:
            return
        if self.early is not None and tab in ("help", "source"):
            await self._tab_message(tab, PENDING[tab])
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
            members = await self._members_view()
            early = self.early
            if early is not None and not (self.private or self.dunder):
                provisional = await asyncio.to_thread(early.listing, qualname)
                if provisional is not None:
                    await members.update(members_markdown(provisional))
            listing = await self.backend.listing(qualname, private=self.private, dunder=self.dunder)
            await members.update(members_markdown(listing))

    async def _members_view(self) -> Markdown:
        """The Members tab's Markdown view, mounted the first time a class is shown."""
        if self._members is None:
            view = markdown_widget("class-members")
            self._members = view, self.query_one("#members-scroll").mount(view)
        view, mounted = self._members
        await mounted
        return view

    async def _tab_message(self, tab: str, message: str) -> None:
        if tab == "source":
            self.query_one(SourceView).show_message(message)
        elif tab == "help":
            self.query_one(HelpView).show(message)
        else:
            await (await self._members_view()).update(message)
