"""Plain-text styling for CLI output: ANSI only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass
from typing import TextIO, TypeVar

T = TypeVar("T")


def indent(text: str, spaces: int) -> str:
    return textwrap.indent(text, " " * spaces)


def wants_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@dataclass(frozen=True, slots=True)
class Style:
    colour: bool

    @classmethod
    def for_stream(cls, stream: TextIO) -> Style:
        return cls(wants_colour(stream))

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour and text else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def heading(self, text: str) -> str:
        return self._wrap("1;36", text)

    def highlight(self, text: str) -> str:
        return self._wrap("1;33", text)
