"""The explorer on a live object of the runner's kernel (a variable), not on an import."""

from __future__ import annotations

from dataclasses import replace

from explorer.core.model import Member
from explorer.tui.screens.explorer import ExplorerScreen
from explorer.tui.services.backend import Backend
from explorer.tui.widgets.doc_view import ExampleFactory


class VariableScreen(ExplorerScreen):
    """The explorer on a kernel variable; Escape returns to the runner."""

    def __init__(
        self, backend: Backend, name: str, *, example_factory: ExampleFactory, value: str = ""
    ) -> None:
        super().__init__(backend, name, example_factory=example_factory)
        self.value = value  # the variable's repr, as the variables panel showed it

    def itself(self) -> Member:
        """The variable's own row shows its value (its docs are its type's)."""
        return replace(super().itself(), summary=self.value)

    def action_cancel(self) -> None:
        focused = self.focused
        in_detail = focused is not None and self.detail in focused.ancestors
        if self.status.working or self.member_list.filter_input.has_focus or in_detail:
            super().action_cancel()
        else:
            self.dismiss()
