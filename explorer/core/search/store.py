"""The search index store: one SQLite + FTS5 file per (package, version, Python version).

Files live in `platformdirs.user_cache_dir("explorer")/index` (or
`$EXPLORER_CACHE_DIR/index`). A build fills an in-memory database, copies it
into a temporary file next to the final one and `os.replace`s it into place.
The published file is one self-contained rollback-journal database that nobody
ever writes to again; readers open it read-only. That is safer than WAL here:
WAL's -wal/-shm side files are matched to a database by its path, so after a
rename a reader could pair an old WAL with the new file. With a complete file
swapped in atomically, a reader keeps its old snapshot until it reopens, and two
builders at once only race to replace a complete file with another.
Nothing is pickled: rows are plain text columns.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explorer.core.search import query as index_query
from explorer.core.search.query import Hit

SCHEMA_VERSION = "3"  # 3: summaries with Sphinx roles as plain words
_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    lname TEXT NOT NULL,
    tail TEXT NOT NULL,
    kind TEXT NOT NULL,
    signature TEXT NOT NULL,
    summary TEXT NOT NULL,
    defined_in TEXT,
    grp TEXT NOT NULL,
    primary_entry INTEGER NOT NULL,
    prior REAL NOT NULL
);
CREATE VIRTUAL TABLE docs USING fts5(words, summary, doc, tokenize='porter unicode61');
CREATE VIRTUAL TABLE grams USING fts5(tail, tokenize='trigram', content='');
"""
_INDEXES = """
CREATE INDEX entries_tail ON entries(tail);
CREATE INDEX entries_lname ON entries(lname);
"""


class IndexCorrupt(Exception):
    """The database file cannot be read as an index."""


class IndexOutdated(IndexCorrupt):
    """A readable index in another format (written by another explorer version)."""


def cache_dir() -> Path:
    """Where index files go; EXPLORER_CACHE_DIR wins (tests point it at a temp dir)."""
    override = os.environ.get("EXPLORER_CACHE_DIR")
    if override:
        return Path(override) / "index"
    import platformdirs

    return Path(platformdirs.user_cache_dir("explorer")) / "index"


def python_tag() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def package_version(package: str) -> str:
    """The installed distribution's version; "unversioned" for a bare package on sys.path."""
    quick = _dist_info_version(package)
    if quick is not None:
        return quick
    from importlib import metadata

    try:
        return metadata.version(package)
    except (metadata.PackageNotFoundError, ValueError):
        return "unversioned"  # a package on sys.path without metadata: mtimes still key it


def _dist_info_version(package: str) -> str | None:
    """`torch-2.13.0+cpu.dist-info` beside the package: one scandir, where importlib.metadata
    walks every entry of sys.path (a third of a warm search's time)."""
    from importlib.machinery import PathFinder

    try:
        spec = PathFinder.find_spec(package)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if spec is None or not (locations or spec.origin):
        return None
    folder = Path(locations[0] if locations else str(spec.origin)).parent
    wanted = package.lower().replace("-", "_")
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name.endswith(".dist-info")]
    except OSError:
        return None
    for name in names:
        project, _, version = name[: -len(".dist-info")].partition("-")
        if project.lower().replace("-", "_").replace(".", "_") == wanted and version:
            return version
    return None


@dataclass(frozen=True, slots=True)
class IndexKey:
    package: str
    version: str
    python: str

    @classmethod
    def for_package(cls, package: str) -> IndexKey:
        return cls(package, package_version(package), python_tag())

    @property
    def path(self) -> Path:
        safe_version = "".join(c if c.isalnum() or c in ".+-" else "_" for c in self.version)
        return cache_dir() / f"{self.package}-{safe_version}-py{self.python}.sqlite"


@dataclass(slots=True)
class SearchIndex:
    """An open index: query it with `search`; `meta` says what it was built from."""

    connection: sqlite3.Connection
    meta: dict[str, str]
    notes: list[str] = field(default_factory=list)
    in_memory: bool = False
    _tails: list[str] | None = None

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
        try:
            return index_query.search(self.connection, query, limit, self._tail_list)
        except sqlite3.DatabaseError as exc:
            raise IndexCorrupt(str(exc)) from exc

    def _tail_list(self) -> list[str]:
        """Distinct last segments, loaded once: the fuzzy pass scans them in Python."""
        if self._tails is None:
            rows = self.connection.execute("SELECT DISTINCT tail FROM entries")
            self._tails = [row[0] for row in rows]
        return self._tails

    def close(self) -> None:
        self.connection.close()


def open_index(key: IndexKey) -> SearchIndex | None:
    """The stored index for `key`, None when there is none; IndexCorrupt when unreadable."""
    path = key.path
    if not path.exists():
        return None
    try:
        # Read-only and never written: safe to query from a UI's worker threads.
        connection = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise IndexCorrupt(str(exc)) from exc
    try:
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
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


def discard(key: IndexKey) -> None:
    with contextlib.suppress(FileNotFoundError):
        key.path.unlink()


def store_index(
    key: IndexKey, fingerprint: str, rows: list[dict[str, Any]], notes: list[str],
    *, private: bool = False,
) -> SearchIndex:  # fmt: skip
    """Write rows to a fresh file and swap it in; in memory when the cache dir is unwritable.

    `private` records that _private modules were walked, so a freshness check walks alike.
    """
    meta = _meta(key, fingerprint, rows, notes)
    meta["private"] = "1" if private else "0"
    try:
        key.path.parent.mkdir(parents=True, exist_ok=True)
        _sweep_abandoned(key.path.parent)
        descriptor, temp_name = tempfile.mkstemp(
            prefix=key.path.stem + ".", suffix=".building", dir=key.path.parent
        )
        os.close(descriptor)
    except OSError as exc:
        note = f"cache dir {key.path.parent} is not writable ({exc.strerror}); index kept in memory"
        meta["notes"] = json.dumps([*notes, note])
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(connection, meta, rows)
        return SearchIndex(connection, meta, [*notes, note], in_memory=True)
    try:
        # Filled in memory (fast: no journal, no fsync), then copied page by page into the
        # temporary file, which only becomes the index once it is complete.
        memory = sqlite3.connect(":memory:")
        _fill(memory, meta, rows)
        target = sqlite3.connect(temp_name)
        with target:
            memory.backup(target)
        target.close()
        memory.close()
        os.replace(temp_name, key.path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
    opened = open_index(key)
    assert opened is not None  # just replaced
    return opened


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


def _fill(connection: sqlite3.Connection, meta: dict[str, str], rows: list[dict[str, Any]]) -> None:
    with connection:
        connection.executescript(_SCHEMA)
        connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        connection.executemany(
            "INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (_entry_row(number, row) for number, row in enumerate(rows, 1)),
        )
        connection.executemany(
            "INSERT INTO docs(rowid, words, summary, doc) VALUES (?,?,?,?)",
            (
                (number, index_query.name_words(row["name"]), row.get("summary", ""),
                 row.get("doc", ""))
                for number, row in enumerate(rows, 1)
                if row.get("primary", True)
            ),
        )  # fmt: skip
        connection.executemany(
            "INSERT INTO grams(rowid, tail) VALUES (?, ?)",
            ((number, _tail(row["name"])) for number, row in enumerate(rows, 1)),
        )
        connection.executescript(_INDEXES)


def _tail(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower()


def _entry_row(number: int, row: dict[str, Any]) -> tuple[Any, ...]:
    name, kind, summary = row["name"], row.get("kind") or "data", row.get("summary") or ""
    primary = bool(row.get("primary", True))
    return (
        number, name, name.lower(), _tail(name), kind, row.get("signature") or "", summary,
        row.get("defined_in"), row.get("group") or name, int(primary),
        index_query.prior(name, kind, summary, primary, int(row.get("shared", 1))),
    )  # fmt: skip
