"""The footer every screen shows: compact when the terminal is narrow, so its keys fit."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

COMPACT_BELOW = 110  # columns: keys pack tighter below this
PALETTE_FROM = 100  # columns: below this ^p is left to the `?` panel to make room


class AppFooter(Footer):
    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW
        self.show_command_palette = event.size.width >= PALETTE_FROM
