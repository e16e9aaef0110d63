"""A small modal listing the current doc's cross-references; Enter follows one."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from explorer.core.model import Link


class LinkPicker(ModalScreen[int | None]):
    """Dismisses with the index of the chosen link, or None."""

    BINDINGS = [Binding("escape", "dismiss_none", "Close"), Binding("q", "app.quit", "Quit")]

    def __init__(self, links: Sequence[Link]) -> None:
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical(id="link-dialog"):
            options = [
                Option(
                    Content.assemble(
                        (link.text, "bold"), "  ", Content.styled(link.target, "$text-muted")
                    ),
                    id=str(index),
                )
                for index, link in enumerate(self.links)
            ]
            picker = OptionList(*options, id="link-options")
            picker.border_title = "Follow a link"
            yield picker

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
