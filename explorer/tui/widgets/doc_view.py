"""The Doc tab: rendered Markdown for one object, then its examples, one widget each.

The Markdown comes from the core pipeline (explorer.core.render.markdown) for
the width the view has: a signature that does not fit goes one parameter per
line, a parameter table that would be cramped becomes a list. A resize
re-renders the Markdown (never the examples, which keep their runs).
Examples come from the `example_factory` the app passes (runners with Run/Edit
on the app's kernel). A doc from the search index (a first paint, before the
live object is there) is shown with a `pending` note, and its examples cannot
run yet (PendingExample); the live doc replaces it.
Clicking a cross-reference posts DocView.LinkFollowed with the dotted target;
a web link opens in the browser.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import AwaitMount, Widget
from textual.widgets import Static

from explorer.core.model import Doc, Kind
from explorer.tui.deferred import doc_markdown, markdown_widget, pending_example

if TYPE_CHECKING:
    from textual.widgets import Markdown

ExampleFactory = Callable[[Doc, int], Widget]  # (doc, example index) -> the example's widget


class DocView(VerticalScroll):
    """Shows a Doc; each example is whatever `example_factory` builds (the app's
    runner with Run/Edit)."""

    class LinkFollowed(Message):
        def __init__(self, target: str) -> None:
            super().__init__()
            self.target = target

    def __init__(
        self,
        *,
        example_factory: ExampleFactory,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.example_factory = example_factory
        self.doc: Doc | None = None
        self.pending: str | None = None  # set while the doc on show is the index's
        self._value: str | None = None
        self._source = ""
        self._view: tuple[Markdown, AwaitMount] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="doc-pending", markup=False)
        yield Vertical(id="doc-examples")

    async def _markdown(self) -> Markdown:
        """The doc's Markdown view, mounted with the first doc (the first frame has none)."""
        if self._view is None:
            view = markdown_widget("doc-markdown")
            self._view = view, self.mount(view, before="#doc-examples")
        view, mounted = self._view
        await mounted  # whichever caller came first mounted it
        return view

    def _text_width(self) -> int | None:
        """Columns for the text (the scrollbar's included), None before the first layout."""
        width = self.scrollable_content_region.width
        return width if width > 0 else None

    async def _render_markdown(self) -> None:
        if self.doc is None:
            return
        source = doc_markdown(self.doc, self._value, self._text_width())
        if source != self._source:
            self._source = source
            await (await self._markdown()).update(source)

    async def show(self, doc: Doc, value: str | None = None, *, pending: str | None = None) -> None:
        """`value`: a data member's short repr (the listing has it; the doc does not).
        `pending`: the doc is the index's, and this note says so (see `pending_note`)."""
        self.doc, self._value, self._source = doc, value, ""
        self.set_pending(pending)
        await self._render_markdown()
        examples = self.query_one("#doc-examples", Vertical)
        await examples.remove_children()
        if doc.examples:
            heading = Static(f"Examples ({len(doc.examples)})", classes="examples-title")
            blocks = [self._example_widget(doc, index) for index in range(len(doc.examples))]
            await examples.mount(heading, *blocks)

    def _example_widget(self, doc: Doc, index: int) -> Widget:
        if self.pending is not None:
            why = "Run: pending, until the live object is there"
            return pending_example(doc.examples[index], title=f"Example {index + 1}", why=why)
        return self.example_factory(doc, index)

    def set_pending(self, text: str | None) -> None:
        """The note over an index doc (None: a live doc, no note)."""
        self.pending = text
        note = self.query_one("#doc-pending", Static)
        note.update(text or "")
        note.display = text is not None

    async def show_message(self, text: str) -> None:
        self.doc, self._source = None, ""
        self.set_pending(None)
        await (await self._markdown()).update(text)
        await self.query_one("#doc-examples", Vertical).remove_children()

    async def on_resize(self, event: events.Resize) -> None:
        await self._render_markdown()

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        if "://" in event.href:
            self.app.open_url(event.href)
        else:
            self.post_message(self.LinkFollowed(event.href))


def pending_note(doc: Doc, marker: str) -> str:
    """What an index doc cannot show until the live object is there."""
    waiting = ["its value"] if doc.kind == Kind.DATA else []
    waiting += ["help()", "source"] + (["running the examples"] if doc.examples else [])
    return f"{marker} · pending the live object: {', '.join(waiting)}"
