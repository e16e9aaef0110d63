"""Textual's Linux driver with an input thread that stops at once, so quitting is instant.

Textual's input thread polls the terminal every 0.1 s and, once told to stop,
polls one more time before it ends; the app waited for it on every exit (0.2 s
of the time between `q` and the shell prompt). Here the thread also watches a
pipe that `disable_input` writes to, so it wakes and ends immediately.
"""

from __future__ import annotations

import contextlib
import os
import selectors
from codecs import getincrementaldecoder
from typing import Any

from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


class QuickExitDriver(LinuxDriver):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)

    def disable_input(self) -> None:
        if not self.exit_event.is_set():
            with contextlib.suppress(OSError):
                os.write(self._wake_write, b"\0")
        super().disable_input()
        with contextlib.suppress(OSError):  # empty the pipe for the next start (after suspend)
            while os.read(self._wake_read, 64):
                pass

    def close(self) -> None:
        super().close()
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)

    def run_input_thread(self) -> None:
        """Textual's loop, plus the wake pipe; input already typed is still read at the end."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        selector.register(self._wake_read, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def read_terminal(timeout: float, final: bool = False) -> None:
            ready = {key.fd for key, _ in selector.select(timeout)}
            if self.fileno in ready:
                data = decode(os.read(self.fileno, 1024 * 4), final=final)
                for event in parser.feed(data) if data else ():  # "" only at end of input
                    self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                read_terminal(0.1)
            read_terminal(0.0, final=True)
        finally:
            selector.close()
            with contextlib.suppress(Exception):
                for _event in parser.feed(""):
                    pass
