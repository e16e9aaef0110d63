"""The `?` panel: this app's keys for the screen you are on, then the ones that work everywhere.

Built from the bindings themselves (a tooltip if it has one, else the footer's
description), so it can never disagree with what the keys do; keys the footer
hides are listed too, a screen's `KEY_NOTES` add keys its widgets handle, and its
`KEY_SECTIONS` list the keys of a widget in a section of their own.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

KEY_WIDTH = 14


def _bindings(items: Iterable[BindingType]) -> list[Binding]:
    return [b for b in Binding.make_bindings(items) if b.description]


class KeysScreen(ModalScreen[None]):
    """Dismissed by escape or `?`."""

    BINDINGS = [
        Binding("escape,question_mark", "dismiss", "Close"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.for_screen = screen
        self.extra: list[tuple[str, str]] = list(getattr(screen, "KEY_NOTES", ()))

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="keys-dialog") as dialog:
            dialog.border_title = "Keys"
            dialog.border_subtitle = "esc closes"
            yield Static(self._text(), id="keys-text")

    def _text(self) -> Content:
        title = getattr(self.for_screen, "KEYS_TITLE", type(self.for_screen).__name__)
        sections = [
            (title, self._rows(_bindings(self.for_screen.BINDINGS)) + self.extra),
            *((heading, self._rows(_bindings(bindings)))
              for heading, bindings in getattr(self.for_screen, "KEY_SECTIONS", ())),
            ("Everywhere", self._rows(_bindings(self.app.BINDINGS))),
        ]  # fmt: skip
        lines: list[Content] = []
        for heading, rows in sections:
            if not rows:
                continue
            if lines:
                lines.append(Content(""))
            lines.append(Content.styled(heading, "bold $text-primary"))
            lines += [
                Content.assemble((f"{key:>{KEY_WIDTH}}", "bold $text-accent"), "  ", what)
                for key, what in rows
            ]
        return Content("\n").join(lines)

    def _rows(self, bindings: list[Binding]) -> list[tuple[str, str]]:
        rows: dict[str, list[str]] = {}  # description -> keys, in binding order
        for binding in bindings:
            keys = rows.setdefault(binding.tooltip or binding.description, [])
            display = self.app.get_key_display(binding)
            if display not in keys:
                keys.append(display)
        return [(" ".join(keys), description) for description, keys in rows.items()]
