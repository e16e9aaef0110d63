"""A line under the breadcrumb: a slow request's progress ("importing torch… 3 s") or an error."""

from __future__ import annotations

import time

from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static


class StatusLine(Static):
    """`start(what)` counts seconds until `done()`; `error(text)` shows a problem until cleared."""

    state: reactive[str] = reactive("idle")  # idle | pending | busy | error | info
    SHOW_AFTER = 0.3  # seconds: quick answers never flash a progress line

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._what = ""
        self._started = 0.0
        self._timer: Timer | None = None

    def start(self, what: str) -> None:
        self._what, self._started = what, time.monotonic()
        self.state = "pending"
        if self._timer is None:
            self._timer = self.set_interval(0.25, self._tick)
        else:
            self._timer.resume()

    def done(self) -> None:
        self._pause()
        self.state = "idle"
        self.update("")

    def error(self, text: str) -> None:
        self._pause()
        self.state = "error"
        self.update(text)

    def info(self, text: str) -> None:
        self._pause()
        self.state = "info"
        self.update(text)

    @property
    def what(self) -> str:
        """What the latest `start` said was under way."""
        return self._what

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def _pause(self) -> None:
        if self._timer is not None:
            self._timer.pause()

    @property
    def working(self) -> bool:
        return self.state in ("pending", "busy")

    def _tick(self) -> None:
        if self.state == "pending" and self.elapsed >= self.SHOW_AFTER:
            self.state = "busy"
        if self.state == "busy":
            self.update(f"{self._what}… {self.elapsed:.0f} s   (esc cancels)")

    def watch_state(self, old: str, new: str) -> None:
        self.remove_class(f"-{old}")
        self.add_class(f"-{new}")
