"""The Doc tab: rendered Markdown for one object, then its examples, one widget each.

Examples come from the `example_factory` the app passes (runners with Run/Edit
on the app's kernel); without one they are shown read-only.
Clicking a cross-reference posts DocView.LinkFollowed with the dotted target.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.highlight import highlight
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Markdown, Static

from explorer.core.markdown import doc_markdown
from explorer.core.model import Doc, Example


def example_code(example: Example) -> str:
    """The example as a doctest session: `>>>`/`...` prompts, as the docstring shows it."""
    lines = example.source.split("\n")
    return "\n".join(
        ("... " if index and line[:1] in (" ", "\t", ")", "]", "}") else ">>> ") + line
        for index, line in enumerate(lines)
    )


ExampleFactory = Callable[[Doc, int], Widget]  # (doc, example index) -> the example's widget


class ExampleBlock(Vertical):
    """One `>>>` example shown read-only: code, expected output, directives.

    The app replaces it with a runnable widget through `example_factory`."""

    def __init__(self, doc: Doc, index: int) -> None:
        super().__init__(classes="example")
        self.doc, self.index = doc, index
        self.example = doc.examples[index]

    def compose(self) -> ComposeResult:
        directives = " ".join(self.example.directives)
        title = f"Example {self.index + 1}" + (f"  {directives}" if directives else "")
        self.border_title = title
        yield Static(highlight(example_code(self.example), language="python"), classes="code")
        if self.example.want:
            yield Static(Content(self.example.want), classes="want")


class DocView(VerticalScroll):
    """Shows a Doc; each example is whatever `example_factory` builds (the app's
    runner with Run/Edit), or a read-only ExampleBlock without one."""

    class LinkFollowed(Message):
        def __init__(self, target: str) -> None:
            super().__init__()
            self.target = target

    def __init__(
        self,
        *,
        id: str | None = None,
        example_factory: ExampleFactory | None = None,
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
        if self.example_factory is not None:
            return self.example_factory(doc, index)
        return ExampleBlock(doc, index)

    async def show_message(self, text: str) -> None:
        self.doc = None
        await self.query_one("#doc-markdown", Markdown).update(text)
        await self.query_one("#doc-examples", Vertical).remove_children()

    @on(Markdown.LinkClicked)
    def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        self.post_message(self.LinkFollowed(event.href))
