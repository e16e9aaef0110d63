"""The footer every screen shows: compact when the terminal is narrow, so its keys fit.

Its keys wait for the app's first frame: composing a dozen key widgets while the
first screen mounted held a target's members back by ~50 ms. The app calls
`show_keys` once that frame is drawn (`ExplorerApp.on_ready`); a footer on any
later screen shows its keys at once.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widgets import Footer

COMPACT_BELOW = 110  # columns: keys pack tighter below this
PALETTE_FROM = 100  # columns: below this ^p is left to the `?` panel to make room


class AppFooter(Footer):
    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW
        self.show_command_palette = event.size.width >= PALETTE_FROM

    def bindings_changed(self, screen: Screen[object]) -> None:
        if getattr(self.app, "first_frame_drawn", True):
            super().bindings_changed(screen)

    def show_keys(self) -> None:
        """Compose the keys after the next refresh (Footer's own way), i.e. after the frame."""
        super().bindings_changed(self.screen)
