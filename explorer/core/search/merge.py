"""Merge the entries of many modules into one row per object under its best public name.

Children that import different modules see the same class or function under
several names (torch.distributions.Multinomial, torch.distributions.multinomial.
Multinomial). Here each defining path (`key`) keeps one entry named by its
preferred path: fewest dotted segments, then the shortest, then alphabetical.
Class members follow their class's preferred name. Members that share one
function (`origin`: Distribution.sample seen on fifty subclasses) form a group
whose primary entry carries the docstring text, so full-text search shows it once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def preference(name: str) -> tuple[int, int, str]:
    return (name.count("."), len(name), name)


def merge_entries(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Deduplicated rows with `name`, `group` and `primary` set, docstrings on primaries."""
    return merge(entries)[0]


def merge(
    entries: Iterable[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """(rows, aliases): the rows as `merge_entries` makes them, and every other name an
    object was seen under, as (other name, preferred name) pairs."""
    described: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = {}  # key -> preferred name so far
    seen_as: dict[str, set[str]] = {}  # key -> names besides the first one seen
    for entry in entries:
        key = entry.get("key") or entry["name"]
        name = entry["name"]
        current = names.get(key)
        if current is None:
            names[key] = name
        elif name != current:
            seen_as.setdefault(key, set()).update((name, current))
            if preference(name) < preference(current):
                names[key] = name
        if not entry.get("alias") and key not in described:
            described[key] = entry
    rows = _renamed(described, names)
    _mark_groups(rows)
    for row in rows:
        origin = row.get("inherited_from")
        if origin is not None:
            row["inherited_from"] = names.get(origin, origin)
    aliases = [
        (other, names[key]) for key, others in seen_as.items() if key in names
        for other in sorted(others) if other != names[key]
    ]  # fmt: skip
    return rows, aliases


def _renamed(described: dict[str, dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    taken: set[str] = set()
    for key, entry in described.items():
        parent = entry.get("parent")
        if parent is not None and parent in names:
            name = f"{names[parent]}.{entry['name'].rsplit('.', 1)[-1]}"
        else:
            name = names[key]
        if name in taken:
            continue  # two objects under one name: the first one seen answers, like getattr
        taken.add(name)
        rows.append({**entry, "name": name, "key": key})
    return rows


def _mark_groups(rows: list[dict[str, Any]]) -> None:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        row["group"] = row.get("origin") or row["key"]
        groups.setdefault(row["group"], []).append(row)
    for group, members in groups.items():
        primary = _primary(group, members)
        doc = next((m["doc"] for m in members if m.get("doc")), "")
        for member in members:
            member["shared"] = len(members)
            member["primary"] = member is primary
            member["doc"] = doc if member is primary else ""


def _primary(group: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    """The member defined right there (Distribution.sample) or else the best-named one."""
    for member in members:
        if member["key"] == group:
            return member
    return min(members, key=lambda member: preference(member["name"]))
