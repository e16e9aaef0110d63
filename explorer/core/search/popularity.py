"""How often a package's own documentation refers to each of its names: a popularity prior.

The names a package's docstrings and examples keep using (`torch.manual_seed`,
`nn.Conv2d`, `torch.matmul`) are the ones its users look up; a backend copy
(`torch.mps.manual_seed`) or an internal helper is rarely mentioned. Each dotted
name in a docstring (`torch.matmul`, `nn.Linear`, `F.relu` with its shorthand
spelled out) counts once per docstring for the entry it names: the full name, or
else the one entry whose path ends with it. A docstring's mentions of its own
entry do not count.
"""

from __future__ import annotations

import re
from typing import Any

from explorer.core.search.vocab import shorthands

_MENTION = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_AMBIGUOUS = ""


def count_mentions(rows: list[dict[str, Any]], aliases: list[tuple[str, str]]) -> None:
    """Set `mentions` on every row: the number of other docstrings that name it."""
    full: dict[str, str] = {row["name"]: row["name"] for row in rows}
    for other, preferred in aliases:
        full.setdefault(other, preferred)
    by_suffix: dict[str, str] = {}
    for name, target in full.items():
        position = name.find(".")
        while position >= 0:
            suffix = name[position + 1 :]
            if "." not in suffix:
                break
            known = by_suffix.get(suffix)
            by_suffix[suffix] = target if known in (None, target) else _AMBIGUOUS
            position = name.find(".", position + 1)
    expand = shorthands()
    counts: dict[str, int] = {}
    for row in rows:
        doc = row.get("doc")
        if not doc:
            continue
        named: set[str] = set()
        dotted = " ".join(word for word in doc.split() if "." in word)  # (a quarter of the text)
        for mention in set(_MENTION.findall(dotted)):
            target = full.get(mention) or by_suffix.get(mention, "")
            if not target:
                head, _, rest = mention.partition(".")
                if head in expand:
                    spelled = f"{expand[head]}.{rest}"
                    target = full.get(spelled) or by_suffix.get(spelled, "")
            if target:
                named.add(target)
        named.discard(row["name"])
        for target in named:
            counts[target] = counts.get(target, 0) + 1
    for row in rows:
        row["mentions"] = counts.get(row["name"], 0)
