"""The search index store: one SQLite + FTS5 file per (package, version, Python version).

Files live in `platformdirs.user_cache_dir("explorer")/index` (or
`$EXPLORER_CACHE_DIR/index`, which must be absolute). A package name is checked
before any path is built from it, and every path is resolved and checked to lie
inside that folder. A build fills a temporary file next to the final one
(no journal, no fsync: nobody reads it yet) and `os.replace`s it into place. The
published file is one self-contained rollback-journal database that nobody ever
writes to again; readers open it read-only. (WAL's -wal/-shm side files are
matched to a database by its path, so after a rename a reader could pair an old
WAL with the new file.) A reader keeps its old snapshot until it reopens, and
two builders at once only race to replace a complete file with another.
Nothing is pickled: rows are plain text columns.

The `entries` table is also the content table of the full-text index, and holds
what a listing or a Doc view needs without importing anything (kind, defined-in,
inherited-from, signature, the docstring): see `explorer.core.search.lookup`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explorer.core.search import query as index_query
from explorer.core.search.merge import merge, preference
from explorer.core.search.names import (
    IndexKey,
    cache_dir,
    has_private_segment,
    package_version,
    python_tag,
    safe_path,
)
from explorer.core.search.rank import rank
from explorer.core.search.records import Candidate, Hit, Query, QueryError
from explorer.core.search.rows import entry_values, fill_sql, safe_text

__all__ = [
    "SCHEMA_VERSION", "Hit", "IndexCorrupt", "IndexKey", "IndexOutdated", "QueryError",
    "SearchIndex", "cache_dir", "discard", "is_corruption", "open_index", "package_version",
    "python_tag", "safe_path", "store_entries", "store_index",
]  # fmt: skip

# 4: tail and path words apart, aliases table, docstrings and inherited-from for listings
# 5: inherited members compact (a class's bases, resolved when asked), mentions
# 6: aliases indexed by entry (a hit lists its other names); rows now hold extension
#    functions' docstrings, os.path.* names and names re-exported past an incomplete
#    __all__: older files are rebuilt to get them
# 7: an object named by its own name before a shorter alias (numpy.concatenate)
# 8: a default longer than 80 characters shown as <type …> (no environment dumps)
# 9: documented definitions a module's `__all__` leaves out (torch.set_default_dtype)
# 10: a name where the object is defined before one that imports it (rich.table.Table)
# 11: numpy.ma's copies ranked down like other namespaces (numpy.setdiff1d first)
# 12: other names indexed lower-cased (a name query no longer scans every alias)
SCHEMA_VERSION = "12"


class IndexCorrupt(Exception):
    """The database file cannot be read as an index."""


class IndexOutdated(IndexCorrupt):
    """A readable index in another format (written by another explorer version)."""


# What SQLite says when the file, not the query, is at fault.
_CORRUPTION = ("not a database", "malformed", "no such table", "no such column", "disk i/o")


def is_corruption(exc: sqlite3.Error) -> bool:
    message = str(exc).lower()
    return any(marker in message for marker in _CORRUPTION)


@dataclass(slots=True)
class SearchIndex:
    """An open index: query it with `search`; `meta` says what it was built from."""

    connection: sqlite3.Connection
    meta: dict[str, str]
    notes: list[str] = field(default_factory=list)
    in_memory: bool = False
    _tails: list[str] | None = None

    @property
    def package(self) -> str:
        return self.meta.get("package", "")

    @property
    def fingerprint(self) -> str:
        return self.meta.get("fingerprint", "")

    @property
    def private(self) -> bool:
        return self.meta.get("private") == "1"

    @property
    def entry_count(self) -> int:
        return int(self.meta.get("entries", "0"))

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Ranked hits; QueryError when SQLite refuses the query, IndexCorrupt for the file."""
        parsed = index_query.parse_query(query)
        return rank(self.candidates(parsed), limit, parsed,
                    other_names=lambda _package, names: self.other_names(names))  # fmt: skip

    def other_names(self, names: list[str]) -> dict[str, tuple[str, ...]]:
        """{name: the public names its object also goes by (re-exports), best first}."""
        marks = ",".join("?" * len(names))
        rows = self.connection.execute(
            "SELECT entries.name, aliases.name FROM aliases JOIN entries "
            f"ON entries.id = aliases.entry WHERE entries.name IN ({marks})", names,
        ).fetchall()  # fmt: skip
        found: dict[str, list[str]] = {}
        for name, other in rows:
            if not has_private_segment(other):
                found.setdefault(name, []).append(other)
        return {name: tuple(sorted(others, key=preference)) for name, others in found.items()}

    def candidates(self, query: Query, *, near: bool = True) -> list[Candidate]:
        """Everything this index might answer, scored but not yet ranked (see `rank`);
        `near=False` leaves out typo matches (see `query.candidates`)."""
        try:
            return index_query.candidates(self.connection, query, self._tail_list, self.package,
                                          near=near)  # fmt: skip
        except sqlite3.Error as exc:
            if is_corruption(exc):
                raise IndexCorrupt(str(exc)) from exc
            raise QueryError(f"the search engine refused this query ({exc})") from exc

    def _tail_list(self) -> list[str]:
        """Distinct last segments, loaded once: the typo pass scans them in C (rapidfuzz)."""
        if self._tails is None:
            rows = self.connection.execute("SELECT tail FROM tails")
            self._tails = [row[0] for row in rows]
        return self._tails

    def close(self) -> None:
        self.connection.close()


def open_index(key: IndexKey) -> SearchIndex | None:
    """The stored index for `key`, None when there is none; IndexCorrupt when unreadable."""
    path = key.path
    if path.is_dir():
        raise IndexCorrupt(f"{path} is a directory, not an index file")
    if not path.exists():
        return None
    try:
        # Read-only and never written: safe to query from a UI's worker threads.
        connection = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise IndexCorrupt(str(exc)) from exc
    connection.row_factory = sqlite3.Row
    try:
        meta = {row[0]: row[1] for row in connection.execute("SELECT key, value FROM meta")}
    except sqlite3.Error as exc:
        connection.close()
        raise IndexCorrupt(str(exc)) from exc
    if meta.get("package") != key.package:
        connection.close()
        raise IndexCorrupt(f"{path.name} is not an index of {key.package}")
    if meta.get("schema") != SCHEMA_VERSION:
        connection.close()
        raise IndexOutdated(f"{path.name} was written by another explorer version")
    notes = json.loads(meta.get("notes", "[]"))
    return SearchIndex(connection, meta, notes if isinstance(notes, list) else [])


def discard(key: IndexKey) -> str | None:
    """Remove a bad index file; the reason when it cannot be removed (read-only cache)."""
    try:
        key.path.unlink()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"{key.path} cannot be removed ({exc.strerror})"
    return None


def store_index(
    key: IndexKey, fingerprint: str, rows: list[dict[str, Any]], notes: list[str],
    *, private: bool = False, aliases: list[tuple[str, str]] | None = None,
) -> SearchIndex:  # fmt: skip
    """Write rows to a fresh file and swap it in; in memory when the cache dir is unwritable.

    `private` records that _private modules were walked, so a freshness check walks alike.
    `aliases` are (other name, preferred name) pairs: the same object under other paths.
    """
    meta = _meta(key, fingerprint, rows, notes)
    meta["private"] = "1" if private else "0"
    aliases = aliases or []
    try:
        key.path.parent.mkdir(parents=True, exist_ok=True)
        _sweep_abandoned(key.path.parent)
        descriptor, temp_name = tempfile.mkstemp(
            prefix=key.path.stem + ".", suffix=".building", dir=key.path.parent
        )
        os.close(descriptor)
    except OSError as exc:
        return _in_memory(key, meta, rows, aliases, notes, exc)
    try:
        # Filled without a journal or fsync (nobody reads the temporary file, which only
        # becomes the index once it is complete; a crash leaves a file the sweep removes).
        target = sqlite3.connect(temp_name)
        try:
            target.execute("PRAGMA journal_mode = OFF")
            target.execute("PRAGMA synchronous = OFF")
            _fill(target, meta, rows, aliases)
        finally:
            target.close()
        os.replace(temp_name, key.path)
    except (OSError, sqlite3.OperationalError) as exc:  # a directory there, a full disk...
        return _in_memory(key, meta, rows, aliases, notes, exc)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
    opened = open_index(key)
    assert opened is not None  # just replaced
    return opened


def store_entries(
    key: IndexKey, fingerprint: str, entries: list[dict[str, Any]], skipped: list[str],
    *, private: bool = False,
) -> SearchIndex:  # fmt: skip
    """Merge a build's collected entries (emptying the list: they are the bulk of its
    memory) and store them as the package's index."""
    rows, aliases = merge(entries)
    entries.clear()
    return store_index(key, fingerprint, rows, skipped, private=private, aliases=aliases)


def _in_memory(
    key: IndexKey, meta: dict[str, str], rows: list[dict[str, Any]],
    aliases: list[tuple[str, str]], notes: list[str], exc: Exception,
) -> SearchIndex:  # fmt: skip
    reason = getattr(exc, "strerror", None) or exc
    note = f"cannot write {key.path} ({reason}); index kept in memory"
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    _fill(connection, meta, rows, aliases)
    connection.row_factory = sqlite3.Row
    return SearchIndex(connection, meta, [*notes, note], in_memory=True)


ABANDONED_AFTER = 3600.0  # seconds: no build writes its temp file for that long


def _sweep_abandoned(folder: Path) -> None:
    """Remove temp files of builds that were killed mid-write (a live one is minutes old)."""
    cutoff = time.time() - ABANDONED_AFTER
    for leftover in folder.glob("*.building"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def _meta(
    key: IndexKey, fingerprint: str, rows: list[dict[str, Any]], notes: list[str]
) -> dict[str, str]:
    return {
        "schema": SCHEMA_VERSION,
        "package": key.package,
        "version": key.version,
        "python": key.python,
        "fingerprint": fingerprint,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "entries": str(len(rows)),
        "notes": json.dumps(notes),
    }


def _fill(
    connection: sqlite3.Connection, meta: dict[str, str], rows: list[dict[str, Any]],
    aliases: list[tuple[str, str]],
) -> None:  # fmt: skip
    schema, insert_entry, insert_alias, finish = fill_sql()
    ids = {row["name"]: number for number, row in enumerate(rows, 1)}
    with connection:
        connection.executescript(schema)
        connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        connection.executemany(
            insert_entry, (entry_values(number, row) for number, row in enumerate(rows, 1))
        )
        connection.executemany(
            insert_alias,
            ((safe_text(other), ids[preferred], safe_text(other.rpartition(".")[0]))
             for other, preferred in aliases if preferred in ids and other not in ids),
        )  # fmt: skip
        connection.executescript(finish)
