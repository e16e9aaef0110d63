"""A doctest block's code, wrapped so that a continuation never looks like output.

A long `>>> m = Categorical(torch.tensor([0.25, 0.25, ...]))` that wrapped at
column 0 read as an expected-output line. Here a continuation row is indented
past the line's prompt and its own indentation, and the wrap is redone when the
width changes.
"""

from __future__ import annotations

import textwrap

from textual import events
from textual.binding import Binding, BindingType
from textual.highlight import highlight
from textual.widgets import Static

from explorer.core.examples import doctest_text

HANGING = 4  # columns a continuation row is indented past its line's code
# An example's keys, here where the explorer screen's `?` panel can read them without
# importing the runner (which brings plotting along).
EXAMPLE_KEYS: list[BindingType] = [
    # Short, and R left to the button and `?`: q and ? must still fit at 80 columns.
    Binding("r", "run", "Run", tooltip="Run this example"),
    Binding("R", "run_from_top", "Run from Example 1", show=False),
    Binding("e", "edit", "Edit", tooltip="Edit this example in the runner"),
]


def wrap_code(text: str, width: int) -> str:
    """`text` with every line longer than `width` broken, continuations indented deeper."""
    if width <= 0:
        return text
    rows: list[str] = []
    for line in text.splitlines():
        if len(line) <= width:
            rows.append(line)
            continue
        code = line[4:] if line[:4] in (">>> ", "... ") else line
        lead = len(line) - len(code) + len(code) - len(code.lstrip(" "))
        indent = " " * (
            lead + HANGING if lead + HANGING <= width // 2 else min(HANGING, width // 4)
        )
        rows += textwrap.wrap(
            line, width, subsequent_indent=indent, drop_whitespace=False,
            break_on_hyphens=False, replace_whitespace=False,
        ) or [line]  # fmt: skip
    return "\n".join(row.rstrip() for row in rows)


class ExampleCode(Static):
    """The example's source as doctest text (`>>> `/`... ` prompts), syntax-highlighted."""

    def __init__(self, source: str, *, classes: str = "example-code") -> None:
        self.text = doctest_text(source)
        super().__init__(highlight(self.text, language="python"), classes=classes)

    def on_resize(self, event: events.Resize) -> None:
        self.update(highlight(wrap_code(self.text, self.content_region.width), language="python"))
