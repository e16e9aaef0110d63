"""Text from a target made safe to show: no lone surrogates, no terminal control codes.

A docstring may hold ESC, BEL or CR (on purpose or not). Rendering hides each
control character as a private-use stand-in (which reST and Markdown read as
an ordinary letter), and the finished output shows it as `\\x1b`: visible,
harmless, and never mistaken for markup on the way.
"""

from __future__ import annotations

import re
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


def hide_controls(value: T) -> T:
    """A record (or string, or tuple) with every control character in a stand-in."""
    if isinstance(value, str):
        return _hide(value)  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: hide_controls(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(hide_controls(item) for item in value)  # type: ignore[return-value]
    return value


def show_controls(text: str) -> str:
    """The stand-ins as `\\xNN`, and any surrogate as U+FFFD."""
    return _HIDDEN.sub(lambda match: f"\\x{ord(match[0]) - _STAND_IN:02x}", surrogate_safe(text))
