"""Text from a target made safe to show: no lone surrogates, no terminal control codes.

A docstring may hold ESC, BEL or CR (on purpose or not). Rendering hides each
control character as a private-use stand-in (which reST and Markdown read as
an ordinary letter), and the finished output shows it as `\\x1b`: visible,
harmless, and never mistaken for markup on the way. The CLI's plain output of
other records goes through `printable`/`printable_fields` to the same effect.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from typing import TypeVar

T = TypeVar("T")

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_STAND_IN = 0xF0000  # Supplementary Private Use Area-A: never in a real docstring
_HIDDEN = re.compile(f"[{chr(_STAND_IN)}-{chr(_STAND_IN + 0x9F)}]")


def surrogate_safe(text: str) -> str:
    """Lone surrogates (from a broken encoding) as U+FFFD: they cannot be printed."""
    return _SURROGATE.sub("\ufffd", text)


def _hide(text: str) -> str:
    return _CONTROL.sub(lambda match: chr(_STAND_IN + ord(match[0])), surrogate_safe(text))


def map_strings(value: T, convert: Callable[[str], str]) -> T:
    """`value` (a string, or a tuple or record holding strings, nested) with `convert`
    applied to every string in it; records are copied, never changed."""
    if isinstance(value, str):
        return convert(value)  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: map_strings(getattr(value, f.name), convert) for f in fields(value)}
        return replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(map_strings(item, convert) for item in value)  # type: ignore[return-value]
    return value


def hide_controls(value: T) -> T:
    """A record (or string, or tuple) with every control character in a stand-in."""
    return map_strings(value, _hide)


def show_controls(text: str) -> str:
    """The stand-ins as `\\xNN`, and any surrogate as U+FFFD."""
    return _HIDDEN.sub(lambda match: f"\\x{ord(match[0]) - _STAND_IN:02x}", surrogate_safe(text))


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
    return map_strings(value, printable)
