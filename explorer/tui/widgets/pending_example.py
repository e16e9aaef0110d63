"""A docstring example shown before the live object is there: its code and expected output,
with Run marked pending (the Doc tab of an index first paint).

Running needs the object's module, so it waits for the live answer, which
replaces every pending example with a runnable one.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from explorer.core.model import Example
from explorer.tui.widgets.example_code import ExampleCode


class PendingExample(Vertical):
    """Code, expected output, and why it cannot run yet."""

    DEFAULT_CSS = """
    PendingExample { height: auto; border: round $secondary 40%; padding: 0 1; margin: 0 0 1 0;
                     border-title-color: $text-muted; }
    PendingExample .example-code { height: auto; }
    PendingExample .example-want { height: auto; color: $text-muted; }
    PendingExample .example-pending { height: 1; margin-top: 1; color: $text-muted;
                                      text-style: italic; }
    """

    def __init__(self, example: Example, *, title: str, why: str) -> None:
        super().__init__()
        self.example = example
        self.title = title
        self.why = why

    def compose(self) -> ComposeResult:
        self.border_title = self.title
        yield ExampleCode(self.example.source)
        if self.example.want:
            yield Static(Content(self.example.want.rstrip("\n")), classes="example-want")
        yield Static(Content(self.why), classes="example-pending")
