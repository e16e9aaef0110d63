"""A modal showing what explored modules printed on import (captured by the worker)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class ModuleOutput(ModalScreen[None]):
    """Exactly the captured text; it never touched the terminal or the protocol."""

    BINDINGS = [Binding("escape,o", "dismiss", "Close"), Binding("q", "app.quit", "Quit")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with ScrollableContainer(id="output-dialog") as dialog:
            dialog.border_title = "Module output (prints, fd 1/2, warnings)"
            dialog.border_subtitle = "esc closes"
            shown = self.text or "Nothing printed so far."
            yield Static(Content(shown), id="output-text", markup=False)
