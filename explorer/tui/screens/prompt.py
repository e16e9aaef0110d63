"""A one-line modal asking for a dotted target to open (the `g` key)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from explorer.tui.services.backend import Backend
from explorer.tui.widgets.target_input import DottedNames, TargetInput, checked_target


class TargetPrompt(ModalScreen[str | None]):
    """Dismisses with the typed target, or None on escape or an empty line."""

    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    def __init__(self, current: str = "", backend: Backend | None = None) -> None:
        super().__init__()
        self.current = current
        self.context = current  # a name typed without its package is looked up here first
        self.names = DottedNames(backend)

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog"):
            field = TargetInput(
                value=self.current,
                placeholder="dotted name, e.g. torch.autograd",
                suggester=self.names,
                id="prompt-input",
            )
            field.border_title = "Open target  (→ or Tab completes, Enter opens)"
            yield field

    @on(Input.Submitted)
    async def _submitted(self, event: Input.Submitted) -> None:
        """A name that cannot be one is said here, in the dialog; a valid one is made
        absolute and completed as the suggestion shows (DottedNames.resolve)."""
        if not event.value.strip():
            self.dismiss(None)
        elif target := await checked_target(event.input, self.names, self.context):
            self.dismiss(target)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
