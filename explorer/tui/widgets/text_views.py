"""The help() and Source tabs: exact text that wraps, and highlighted source with file:line."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.highlight import highlight
from textual.widgets import Static

from explorer.core.model import Source
from explorer.tui.widgets.wrapped_text import WrappedText


def numbered(code: Content, first_line: int) -> Content:
    lines = code.split("\n", allow_blank=True)
    width = len(str(first_line + len(lines)))
    return Content("\n").join(
        Content.assemble(Content.styled(f"{first_line + i:>{width}} ", "$text-muted"), line)
        for i, line in enumerate(lines)
    )


def short_path(file: str) -> str:
    """Installed files relative to site-packages or the stdlib (torch/distributions/normal.py),
    the user's own relative to the current directory, the rest with ~ for home."""
    path = Path(file)
    roots = [sysconfig.get_path(name) for name in ("purelib", "platlib", "stdlib")]
    for root in [*roots, os.getcwd()]:
        if root and path.is_relative_to(root):
            return str(path.relative_to(root))
    home = Path.home()
    return f"~/{path.relative_to(home)}" if path.is_relative_to(home) else file


class HelpView(WrappedText):
    """Exactly the text help() prints (pydoc's plain rendering), wrapped at the pane's width."""

    def show(self, text: str) -> None:
        self.set_text(text)


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
        header.set_class(source.text is not None, "-path")
        if source.text is None:
            header.update(source.error or f"no source for {source.qualname}")
            code.update("")
        else:
            where = f"{short_path(source.file)}:{source.line}" if source.file else source.qualname
            header.update(Content.assemble(where, ("   e opens $EDITOR", "$text-muted")))
            code.update(numbered(highlight(source.text, language="python"), source.line or 1))
        self.scroll_home(animate=False)

    def show_message(self, text: str) -> None:
        self.source = None
        self.query_one("#source-location", Static).remove_class("-path").update(text)
        self.query_one("#source-code", Static).update("")
