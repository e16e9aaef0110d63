"""The runner's Python editor: a code TextArea whose Enter indents as Python needs.

Enter keeps the line's indentation, adds a level after a line ending in `:`
(`while True:`), and drops one after `pass`, `return`, `break`, `continue` or
`raise`, as IPython and most editors do; without it a newcomer's first loop is
an IndentationError.
"""

from __future__ import annotations

import re

from textual import events
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
