"""The footer every screen shows: compact when the terminal is narrow, so its keys fit."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

NARROW = 100  # columns below which keys pack tighter and ^p is left to the `?` panel


class AppFooter(Footer):
    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW
        self.compact = narrow
        self.show_command_palette = not narrow
