"""Plain-text styling for CLI output: ANSI only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import os
import re
import textwrap
from dataclasses import dataclass, fields, is_dataclass, replace
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


_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """Text from a target, safe for a terminal: control characters (ESC, CR, BEL ...) are
    shown escaped, lone surrogates as U+FFFD; newlines and tabs stay."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    return "\ufffd" if "\ud800" <= char <= "\udfff" else f"\\x{ord(char):02x}"


def printable_fields(value: T) -> T:
    """A record (or tuple, or string) with every string in it made printable."""
    if isinstance(value, str):
        return printable(value)  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: printable_fields(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(printable_fields(item) for item in value)  # type: ignore[return-value]
    return value
