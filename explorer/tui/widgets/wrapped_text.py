"""Plain text that wraps at the widget's width: help() text and what runs print.

Nothing runs past the right edge. A wrapped line's continuation rows repeat the
line's own indentation, gutter bars included (help() draws ` |  ` down a class),
and wrapping is redone when the width changes. Text can be appended as it
streams in; only the last line is re-wrapped. Rendering draws only the rows on
screen, so a long text costs nothing until it is scrolled to.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # shown as U+FFFD, never sent to the terminal

Row = tuple[int, int, int, int]  # (line index, start, end, indent: how much of the line's
# own start to repeat before a continuation row)


def clean(line: str) -> str:
    return CONTROL.sub("\ufffd", line.expandtabs())


def wrap_line(line: str, width: int, *, words: bool = True) -> list[tuple[int, int, int]]:
    """(start, end, indent) pieces of `line` at `width` columns; continuations repeat
    the line's first `indent` characters and break between words where they can."""
    if width <= 0 or cell_len(line) <= width:
        return [(0, len(line), 0)]
    if cell_len(line) != len(line):  # wide characters: cut by cells, no word breaks
        pieces, start = [], 0
        for chunk in chop_cells(line, width):
            pieces.append((start, start + len(chunk), 0))
            start += len(chunk)
        return pieces
    indent = len(line) - len(line.lstrip(" |"))  # spaces, and pydoc's ` |  ` gutters
    if indent > width // 2:
        indent = 0
    pieces = []
    start, room = 0, width
    while len(line) - start > room:
        end = start + room
        if words:
            space = line.rfind(" ", start + 1, end + 1)
            if space > start:
                end = space
        pieces.append((start, end, indent if pieces else 0))
        start = end
        while start < len(line) and line[start] == " " and words:
            start += 1
        room = width - indent
    if start < len(line) or not pieces:
        pieces.append((start, len(line), indent if pieces else 0))
    return pieces


class WrappedText(ScrollView, can_focus=True):
    """`set_text` replaces the text; `append` adds to it (a partial last line grows)."""

    # A stable gutter: the scrollbar appearing must not change the width text wraps at.
    DEFAULT_CSS = """
    WrappedText { overflow-x: hidden; scrollbar-gutter: stable; }
    """

    def __init__(
        self,
        text: str = "",
        *,
        words: bool = True,
        max_lines: int | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.words = words
        self.max_lines = max_lines
        self._lines: list[str] = [""]
        self._rows: list[Row] = []
        self._wrap_width = 0
        if text:
            self.append(text)

    @property
    def text(self) -> str:
        return "\n".join(self._lines)

    @property
    def line_count(self) -> int:
        return len(self._lines) - (self._lines[-1] == "")

    @property
    def shown_lines(self) -> list[str]:
        """Every row as drawn (indent included), for tests and copying."""
        return [self._lines[i][:indent] + self._lines[i][a:b] for i, a, b, indent in self._rows]

    def set_text(self, text: str) -> None:
        self._lines = [""]
        self._rows = []
        self.append(text)
        self.scroll_home(animate=False, immediate=True)

    def append(self, text: str) -> None:
        if not text:
            return
        at_end = self.is_vertical_scroll_end
        pieces = [clean(piece) for piece in text.split("\n")]
        first_changed = len(self._lines) - 1
        self._lines[-1] += pieces[0]
        self._lines += pieces[1:]
        self._prune()
        first_changed = min(first_changed, len(self._lines) - 1)
        self._rows = [row for row in self._rows if row[0] < first_changed]
        self._rows += self._wrap_from(first_changed)
        self._update_size()
        if at_end:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def _prune(self) -> None:
        excess = len(self._lines) - self.max_lines if self.max_lines else 0
        if excess > 0:
            del self._lines[:excess]
            self._rows = [(i - excess, a, b, n) for i, a, b, n in self._rows if i >= excess]

    def _wrap_from(self, first: int) -> list[Row]:
        width = self._wrap_width
        return [
            (index, start, end, indent)
            for index in range(first, len(self._lines))
            for start, end, indent in wrap_line(self._lines[index], width, words=self.words)
        ]

    def _rewrap(self, width: int) -> None:
        if width != self._wrap_width:
            self._wrap_width = width
            self._rows = self._wrap_from(0)
            self._update_size()

    def _update_size(self) -> None:
        rows = len(self._rows)
        if rows and self._lines[-1] == "" and self._rows[-1][0] == len(self._lines) - 1:
            rows -= 1  # a trailing newline opens a line that has nothing on it yet
        self.virtual_size = Size(self._wrap_width, rows)
        self.refresh()

    def on_resize(self) -> None:
        self._rewrap(self.scrollable_content_region.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._rewrap(width - self.styles.scrollbar_size_vertical)  # the stable gutter
        return self.virtual_size.height

    def render_line(self, y: int) -> Strip:
        style = self.rich_style
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        if index >= self.virtual_size.height:
            return Strip.blank(width, style)
        line, start, end, indent = self._rows[index]
        text = self._lines[line][:indent] + self._lines[line][start:end]
        return Strip([Segment(text, style)]).extend_cell_length(width, style).crop(0, width)
