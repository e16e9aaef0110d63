"""Merge the entries of many modules into one row per object under its best public name.

Children that import different modules see the same class or function under
several names (torch.distributions.Multinomial, torch.distributions.multinomial.
Multinomial). Here each defining path (`key`) keeps one entry named by its
preferred path: no private segment, then fewest dotted segments, then the shortest,
then alphabetical. Class members follow their class's preferred name. Members that
share one function (`origin`) form a group whose primary entry carries the docstring
text, so full-text search shows it once.

Inheritance stays compact: a class row lists its public bases (`bases`, preferred
names, nearest first) and inherits their members at query time. A base that has no
public name (described only as a base: `torch._C.TensorBase`) is not a row; its
members are copied into each public class that inherits them without a public base
in between that already holds them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from explorer.core.search.names import has_private_segment
from explorer.core.search.popularity import count_mentions

Row = dict[str, Any]
_CLASS_KINDS = ("class", "exception")  # as core.model's Kind spells them; that module's
# dataclasses cost a search's start 12 ms to import


Preference = tuple[bool, int, bool, bool, int, str]


def preference(name: str, key: str = "") -> Preference:
    """Public first, then shallow, then under the object's own name (`key`, its defining
    path: numpy.concatenate before its alias numpy.concat), then where it is defined
    (rich.table.Table before rich.scope.Table, which imports it), then short."""
    own = key.rpartition(".")[2]
    renamed = bool(own) and name.rpartition(".")[2] != own
    away = bool(key) and name != key
    return (has_private_segment(name), name.count("."), renamed, away, len(name), name)


def _exported_modules(module_aliases: list[tuple[str, str]]) -> dict[str, str]:
    """{top-level module: the public name a package exports it as}: `posixpath` is what
    `os.path` is here, and people know its functions as os.path.join, not as posixpath's
    (nor as ntpath's or genericpath's, the other modules holding the same objects)."""
    return {
        key: other for other, key in module_aliases
        if "." not in key and not has_private_segment(other)
    }  # fmt: skip


def _names_of(name: str, exported: dict[str, str]) -> list[str]:
    """The name, and its public name when it sits in an exported module."""
    module, dot, rest = name.partition(".")
    return [name, f"{exported[module]}.{rest}"] if dot and module in exported else [name]


def _preferred(name: str, key: str, exported: tuple[str, ...]) -> Preference:
    """`preference`, with the names through an exported module (`exported`: their
    prefixes, `os.path.`) first."""
    if name.startswith(exported):
        return (False, -1, False, False, len(name), name)
    return preference(name, key)


def merge_entries(entries: Iterable[Row]) -> list[Row]:
    """Deduplicated rows with `name`, `group` and `primary` set, docstrings on primaries."""
    return merge(entries)[0]


def merge(entries: Iterable[Row]) -> tuple[list[Row], list[tuple[str, str]]]:
    """(rows, aliases): the rows as `merge_entries` makes them, and every other name an
    object was seen under, as (other name, preferred name) pairs."""
    entries = list(entries)
    described: dict[str, Row] = {}
    names: dict[str, str] = {}  # key -> preferred name so far (from the module walk)
    fallback: dict[str, str] = {}  # key -> its name when only described as a base
    seen_as: dict[str, set[str]] = {}  # key -> names besides the first one seen
    module_aliases = [(e["name"], e["key"]) for e in entries if e.get("module_alias")]
    exported = _exported_modules(module_aliases)
    prefixes = tuple(f"{public}." for public in exported.values())
    for entry in entries:
        key = entry.get("key") or entry["name"]
        if entry.get("module_alias"):
            continue
        if entry.get("base_only"):
            fallback.setdefault(key, entry["name"])
        else:
            for name in _names_of(entry["name"], exported):
                current = names.get(key)
                if current is None:
                    names[key] = name
                elif name != current:
                    seen_as.setdefault(key, set()).update((name, current))
                    if _preferred(name, key, prefixes) < _preferred(current, key, prefixes):
                        names[key] = name
        if not entry.get("alias") and key not in described:
            described[key] = entry
    public = set(names)
    names = {**fallback, **names}
    rows = _inherit(_renamed(described, names), public, names)
    _mark_groups(rows)
    for row in rows:
        origin = row.get("inherited_from")
        if origin is not None:
            row["inherited_from"] = names.get(origin, origin)
    aliases = [
        (other, names[key]) for key, others in seen_as.items() if key in names
        for other in sorted(others) if other != names[key]
    ]  # fmt: skip
    aliases += _module_member_aliases(rows, module_aliases, names)
    count_mentions(rows, aliases)
    return rows, aliases


def _renamed(described: dict[str, Row], names: dict[str, str]) -> list[Row]:
    rows: list[Row] = []
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


def _inherit(rows: list[Row], public: set[str], names: dict[str, str]) -> list[Row]:
    """Rows of public classes and their members, members of nameless bases copied in,
    each class's public bases named, each member's count of classes that share it."""
    classes = {row["key"]: row for row in rows if row["kind"] in _CLASS_KINDS}
    members: dict[str, dict[str, Row]] = {key: {} for key in classes}
    for row in rows:
        parent = row.get("parent")
        if parent in members:
            members[parent][row["name"].rsplit(".", 1)[-1]] = row
    hidden = {key for key in classes if key not in public}
    kept = [row for row in rows if row["key"] not in hidden and row.get("parent") not in hidden]
    subclasses: dict[str, int] = {}
    base_keys = {key: [base for base in row.get("bases") or () if base in classes]
                 for key, row in classes.items()}  # fmt: skip
    for key, row in classes.items():
        if key in hidden:
            continue
        bases = base_keys[key]
        public_bases = [base for base in bases if base not in hidden]
        held = {inner for base in public_bases for inner in base_keys[base]}
        defined = set(members[key])
        for base in bases:
            if base not in hidden:
                defined.update(members[base])  # it answers before any later nameless base
                subclasses[base] = subclasses.get(base, 0) + 1
            elif base not in held:
                kept.extend(_copies(row, base, members[base], defined))
        row["bases"] = [names[base] for base in public_bases]
    for row in kept:
        row["subclasses"] = subclasses.get(row.get("parent") or "", 0)
    return kept


def _copies(owner: Row, base: str, inherited: dict[str, Row], defined: set[str]) -> list[Row]:
    copies = []
    for short, member in inherited.items():
        if short in defined:
            continue
        defined.add(short)
        copies.append({
            **member, "name": f"{owner['name']}.{short}", "key": f"{owner['key']}.{short}",
            "parent": owner["key"], "inherited_from": base,
            "origin": member.get("origin") or member["key"],
        })  # fmt: skip
    return copies


def _mark_groups(rows: list[Row]) -> None:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        row["group"] = row.get("origin") or row["key"]
        groups.setdefault(row["group"], []).append(row)
    for group, members in groups.items():
        if len(members) == 1:  # most objects have one name: their own row, its own doc
            only = members[0]
            only["shared"] = 1 + only.get("subclasses", 0)
            only["primary"] = True
            only["doc"] = only.get("doc") or ""
            continue
        primary = _primary(group, members)
        doc = next((m["doc"] for m in members if m.get("doc")), "")
        for member in members:
            member["shared"] = len(members) + primary.get("subclasses", 0)
            member["primary"] = member is primary
            member["doc"] = doc if member is primary else ""


def _primary(group: str, members: list[Row]) -> Row:
    """The member defined right there (Distribution.sample) or else the best-named one."""
    for member in members:
        if member["key"] == group:
            return member
    return min(members, key=lambda member: preference(member["name"]))


def _module_member_aliases(
    rows: list[Row], module_aliases: list[tuple[str, str]], names: dict[str, str]
) -> list[tuple[str, str]]:
    """`os.path.join` for posixpath.join: each member of a module another name stands for
    (and each member of its classes) under that name too."""
    targets: dict[str, list[str]] = {}
    for other, key in module_aliases:
        if key in names and other != names[key]:
            targets.setdefault(names[key], []).append(other)
    if not targets:
        return []
    found = []
    for row in rows:
        name = row["name"]
        module, dot, rest = name.partition(".")
        while dot:
            for other in targets.get(module, ()):
                found.append((f"{other}.{rest}", name))
            head, dot, rest = rest.partition(".")
            module = f"{module}.{head}"
            if not dot:
                break
    for module, others in targets.items():
        found.extend((other, module) for other in others)
    return found
