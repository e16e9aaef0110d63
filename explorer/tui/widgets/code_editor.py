"""The runner's Python editor: a code TextArea with the keys people bring from other editors.

Enter keeps the line's indentation, adds a level after a line ending in `:`
(`while True:`), and drops one after `pass`, `return`, `break`, `continue` or
`raise`, as IPython and most editors do; without it a newcomer's first loop is
an IndentationError. Ctrl+A selects everything (Home goes to the line start),
and replacing the whole text (`replace_all`) is one edit Ctrl+Z undoes, so code
loaded over the user's own is never lost.
"""

from __future__ import annotations

import re

from textual import events
from textual.binding import Binding
from textual.widgets import TextArea

DEDENT_AFTER = re.compile(r"^\s*(pass|return\b.*|break|continue|raise\b.*)\s*(#.*)?$")


def next_indent(line: str, indent_width: int = 4) -> str:
    """The indentation a new line after `line` starts with."""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    code = line.split("#", 1)[0].rstrip()
    if code.endswith(":"):
        return indent + " " * indent_width
    if DEDENT_AFTER.match(line):
        return indent[: max(0, len(indent) - indent_width)]
    return indent


class CodeEditor(TextArea):
    BINDINGS = [Binding("ctrl+a", "select_all", "Select all", show=False)]

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            row, column = self.cursor_location
            before = self.document.get_line(row)[:column]
            start, end = self.selection
            self._replace_via_keyboard("\n" + next_indent(before, self.indent_width), start, end)
            return
        await super()._on_key(event)

    def replace_all(self, text: str) -> None:
        """Put `text` in place of everything, as one step of the undo history."""
        if text == self.text:
            return
        self.history.checkpoint()
        self.replace(text, (0, 0), self.document.end, maintain_selection_offset=False)
        self.history.checkpoint()
        self.move_cursor((0, 0))
