"""Dotted names as typed: checked, and the names a miss could have meant.

Pure string work (no imports of targets): the UI uses it to refuse `../etc` in
a dialog and to turn "did you mean distributions?" into a name to open.
"""

from __future__ import annotations

import difflib
import keyword
import re
from collections.abc import Iterable

from explorer.core.errors import UsageError


class TargetError(UsageError):
    """A target that cannot be resolved; the message is one line for the user."""


def validate(target: str) -> list[str]:
    """Split a dotted name into identifiers, or raise TargetError."""
    if not target or not target.strip():
        raise TargetError("empty target: give a dotted name such as torch.distributions")
    parts = target.split(".")
    for part in parts:
        if not part.isidentifier() or keyword.iskeyword(part):
            raise TargetError(f"not a dotted Python name: {target!r}")
    return parts


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """ " (did you mean Multinomial?)" for the closest names, or "" when none is close."""
    pool = {c for c in candidates if not c.startswith("_") or name.startswith("_")}
    close = difflib.get_close_matches(name, pool, n=3, cutoff=0.6)
    if not close:
        folded = {c.lower(): c for c in pool}  # "multinomial" for "Multinomial"
        close = [folded[name.lower()]] if name.lower() in folded else []
    if not close:
        return ""
    shown = close[0] if len(close) == 1 else f"{', '.join(close[:-1])} or {close[-1]}"
    return f" (did you mean {shown}?)"


_SUGGESTED = re.compile(r"'([^']+)'.* \(did you mean (.+)\?\)$")


def suggested_targets(target: str, message: str) -> list[str]:
    """The whole names a did-you-mean in `message` stands for: `torch.distribtions` with
    "... no attribute 'distribtions' (did you mean distributions?)" -> torch.distributions."""
    found = _SUGGESTED.search(message)
    if found is None:
        return []
    wrong, names = found.group(1), re.split(r", | or ", found.group(2))
    parts = target.split(".")
    if wrong not in parts:
        return []
    stem = parts[: parts.index(wrong)]
    return [".".join([*stem, name]) for name in names if name.isidentifier()]
