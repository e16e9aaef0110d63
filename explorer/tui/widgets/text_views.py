"""The help() and Source tabs: exact text, and highlighted source with file:line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.highlight import highlight
from textual.widgets import Static

from explorer.core.model import Source


def numbered(code: Content, first_line: int) -> Content:
    lines = code.split("\n", allow_blank=True)
    width = len(str(first_line + len(lines)))
    return Content("\n").join(
        Content.assemble(Content.styled(f"{first_line + i:>{width}} ", "$text-muted"), line)
        for i, line in enumerate(lines)
    )


class HelpView(ScrollableContainer):
    """Exactly the text help() prints (pydoc's plain rendering), unstyled."""

    def compose(self) -> ComposeResult:
        yield Static("", id="help-text", markup=False)

    def show(self, text: str) -> None:
        self.query_one("#help-text", Static).update(Content(text))
        self.scroll_home(animate=False)


class SourceView(ScrollableContainer):
    """`file:line` and the source, highlighted with theme colours."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: Source | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="source-location", markup=False)
        yield Static("", id="source-code")

    @property
    def location(self) -> str:
        src = self.source
        return f"{src.file}:{src.line}" if src and src.file else ""

    def show(self, source: Source) -> None:
        self.source = source
        header = self.query_one("#source-location", Static)
        code = self.query_one("#source-code", Static)
        if source.text is None:
            header.update(source.error or f"no source for {source.qualname}")
            code.update("")
        else:
            header.update(f"{self.location}   (e opens $EDITOR)")
            code.update(numbered(highlight(source.text, language="python"), source.line or 1))
        self.scroll_home(animate=False)

    def show_message(self, text: str) -> None:
        self.source = None
        self.query_one("#source-location", Static).update(text)
        self.query_one("#source-code", Static).update("")
