"""The Doc tab: rendered Markdown for one object, then its examples, one widget each.

Examples come from the `example_factory` the app passes (runners with Run/Edit
on the app's kernel).
Clicking a cross-reference posts DocView.LinkFollowed with the dotted target.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Markdown, Static

from explorer.core.model import Doc
from explorer.core.render.markdown import doc_markdown

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

    def compose(self) -> ComposeResult:
        yield Markdown(id="doc-markdown", open_links=False)
        yield Vertical(id="doc-examples")

    async def show(self, doc: Doc, value: str | None = None) -> None:
        """`value`: a data member's short repr (the listing has it; the doc does not)."""
        self.doc = doc
        await self.query_one("#doc-markdown", Markdown).update(doc_markdown(doc, value))
        examples = self.query_one("#doc-examples", Vertical)
        await examples.remove_children()
        if doc.examples:
            heading = Static(f"Examples ({len(doc.examples)})", classes="examples-title")
            blocks = [self._example_widget(doc, index) for index in range(len(doc.examples))]
            await examples.mount(heading, *blocks)

    def _example_widget(self, doc: Doc, index: int) -> Widget:
        return self.example_factory(doc, index)

    async def show_message(self, text: str) -> None:
        self.doc = None
        await self.query_one("#doc-markdown", Markdown).update(text)
        await self.query_one("#doc-examples", Vertical).remove_children()

    @on(Markdown.LinkClicked)
    def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        self.post_message(self.LinkFollowed(event.href))
