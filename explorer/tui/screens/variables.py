"""The explorer on a live object of the runner's kernel (a variable), not on an import."""

from __future__ import annotations

from explorer.tui.screens.explorer import ExplorerScreen


class VariableScreen(ExplorerScreen):
    """The explorer on a kernel variable; Escape returns to the runner."""

    def action_cancel(self) -> None:
        focused = self.focused
        in_detail = focused is not None and self.detail in focused.ancestors
        if self.status.working or self.member_list.filter_input.has_focus or in_detail:
            super().action_cancel()
        else:
            self.dismiss()
