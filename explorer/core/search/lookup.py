"""Read a target's own doc and its member list from an index, without importing anything.

For a first paint before the live worker answers: `indexed_doc(index, target)`
gives the kind, signature, docstring, defined-in and inherited-from of one name
(the docstring of an inherited copy is its owner's); `indexed_members(index,
target)` gives the members of a module or class as `Member` records, under any
name the target is known by (`torch.distributions.multinomial.Multinomial` lists
what `torch.distributions.Multinomial` does). Values of data members are not in
the index: those stay for the live answer. Inherited members are found through the
class's bases (`explorer.core.search.inherit`), as `getattr` would.

`open_current(package)` opens an index only if it was built from the files now
installed (same version, same fingerprint), so a first paint is never made from
another version. `explorer.core.search.indexed_docs` makes the Doc tab's record.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from explorer.core.errors import UsageError
from explorer.core.model import Kind, Listing, Member, listing_order
from explorer.core.search.inherit import inherited_row, inherited_rows
from explorer.core.search.names import IndexKey
from explorer.core.search.store import IndexCorrupt, IndexOutdated, SearchIndex, open_index
from explorer.core.search.walk import package_files


@dataclass(frozen=True, slots=True)
class IndexedDoc:
    qualname: str  # as asked for
    name: str  # the entry's preferred dotted name
    kind: Kind
    signature: str
    summary: str
    docstring: str
    defined_in: str | None
    inherited_from: str | None


_DOC_COLUMNS = "id, name, kind, signature, summary, doc, defined_in, inherited_from, grp"
_MEMBER_COLUMNS = "name, kind, summary, defined_in, inherited_from"


def _entry(connection: sqlite3.Connection, target: str) -> sqlite3.Row | None:
    select = f"SELECT {_DOC_COLUMNS} FROM entries WHERE "
    row = connection.execute(select + "name = ?", [target]).fetchone()
    if row is None:
        row = connection.execute(
            select + "id = (SELECT entry FROM aliases WHERE name = ?)", [target]
        ).fetchone()
    return row  # type: ignore[no-any-return]


def _inherited(connection: sqlite3.Connection, target: str) -> tuple[sqlite3.Row, str] | None:
    """(the row, the base) answering `Class.member` through the class's bases."""
    owner, _, member = target.rpartition(".")
    klass = _entry(connection, owner) if owner else None
    if klass is None or not Kind(klass["kind"]).is_class:
        return None
    return inherited_row(connection, klass["name"], member, _DOC_COLUMNS)


def indexed_doc(index: SearchIndex, target: str) -> IndexedDoc | None:
    """What the index knows of `target` itself; None when it does not know the name."""
    connection = index.connection
    row = _entry(connection, target)
    inherited_from = None if row is None else row["inherited_from"]
    if row is None:
        found = _inherited(connection, target)
        if found is None:
            return None
        row, inherited_from = found
    docstring = row["doc"]
    if not docstring:  # an inherited copy: the docstring lives with its owner's entry
        owner = connection.execute(
            "SELECT doc FROM entries WHERE grp = ? AND primary_entry = 1", [row["grp"]]
        ).fetchone()
        docstring = owner[0] if owner is not None else ""
    return IndexedDoc(
        qualname=target, name=row["name"], kind=Kind(row["kind"]), signature=row["signature"],
        summary=row["summary"], docstring=docstring, defined_in=row["defined_in"],
        inherited_from=inherited_from,
    )  # fmt: skip


def indexed_members(index: SearchIndex, target: str) -> Listing | None:
    """The members of a module or class the index knows, in a listing's order; None when the
    index does not know `target` or it has no members there."""
    connection = index.connection
    row = _entry(connection, target)
    if row is None:
        return None
    name, kind = row["name"], Kind(row["kind"])
    members: dict[str, Member] = {}
    for parent in dict.fromkeys((name, target)):
        for child in connection.execute(
            "SELECT name, kind, summary, defined_in, inherited_from FROM entries "
            "WHERE parent = ?", [parent],
        ):  # fmt: skip
            _add(members, target, child[0], child[1], child[2], child[3], child[4])
        for child in connection.execute(
            "SELECT aliases.name, entries.kind, entries.summary, entries.defined_in, "
            "entries.inherited_from FROM aliases JOIN entries ON entries.id = aliases.entry "
            "WHERE aliases.parent = ?", [parent],
        ):  # fmt: skip
            _add(members, target, child[0], child[1], child[2], child[3], child[4])
    if kind.is_class:  # then what it inherits, nearest base first
        for child, base in inherited_rows(connection, name, _MEMBER_COLUMNS):
            _add(members, target, child[0], child[1], child[2], child[3], base)
    if not members:
        return None
    ordered = tuple(sorted((members[key] for key in sorted(members)), key=listing_order))
    return Listing(target, kind, ordered, (f"from the index ({index.package} "
                                           f"{index.meta.get('version', '')})",))  # fmt: skip


def _add(
    members: dict[str, Member], target: str, full: str, kind: str, summary: str,
    defined_in: str | None, inherited_from: str | None,
) -> None:  # fmt: skip
    short = full.rpartition(".")[2]
    if short in members:
        return
    members[short] = Member(
        name=short, qualname=f"{target}.{short}", kind=Kind(kind), summary=summary,
        defined_in=defined_in, inherited_from=inherited_from,
    )  # fmt: skip


def open_current(package: str) -> tuple[SearchIndex | None, str | None]:
    """(the stored index of `package` if it matches the installed files, a note for the user).

    No index, or one of another version: (None, None). A stale, outdated or corrupt
    file: (None, why), and it is left alone (the search builds a new one when asked).
    """
    try:
        key = IndexKey.for_package(package)
        index = open_index(key)
    except UsageError:
        return None, None  # not a package name: nothing to look up
    except IndexOutdated:
        return None, f"the {package} index was written by another explorer version"
    except IndexCorrupt as exc:
        return None, f"the {package} index is unreadable ({exc})"
    if index is None:
        return None, None
    if index.meta.get("version") != key.version:  # the file name says so too; the meta decides
        index.close()
        return None, None
    try:
        current = package_files(package, private=index.private).fingerprint == index.fingerprint
    except UsageError:
        current = False
    if not current:
        index.close()
        return None, f"the {package} index is out of date (its files changed)"
    return index, None
