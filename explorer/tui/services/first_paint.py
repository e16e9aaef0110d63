"""The search index as a first paint: members and docs before the worker has imported a target.

Only an index of the installed version whose files are unchanged is read
(`explorer.core.search.lookup.open_current`); with none, or a stale, old or
corrupt one (a note), the target loads live as before. Reading is SQLite
queries and docstring parsing in this process: nothing of the target is
imported. Calls block: opening an index checks its files are unchanged (~30 ms
for torch), a listing is a few queries (~1 ms), a doc parses a docstring (the
first one also imports the parser), so docs are read in a thread.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field

from explorer.core.model import Doc, Listing
from explorer.core.search.lookup import indexed_doc, indexed_members, open_current
from explorer.core.search.names import index_home
from explorer.core.search.store import IndexCorrupt, SearchIndex
from explorer.tui import deferred

# A file that breaks after it was opened reads as no answer: the live one follows anyway.
UNREADABLE = (IndexCorrupt, sqlite3.Error, OSError)


@dataclass(slots=True)
class IndexPaint:
    """What one package's index knows, for a first paint."""

    index: SearchIndex

    @property
    def marker(self) -> str:
        """Shown until the live answer replaces the paint: which index, which version."""
        return f"from index ({self.index.package} {self.index.meta.get('version', '')})"

    def listing(self, target: str) -> Listing | None:
        """The target's members; a target the index knows without members (a function)
        lists none; None when the index does not know the target."""
        try:
            entry = indexed_doc(self.index, target)
            if entry is None:
                return None
            found = indexed_members(self.index, target)
        except UNREADABLE:
            return None
        return Listing(target, entry.kind, found.members if found else (), (self.marker,))

    def doc(self, qualname: str) -> Doc | None:
        try:
            return deferred.indexed_doc_record(self.index, qualname)
        except UNREADABLE:
            return None


@dataclass(slots=True)
class FirstPaints:
    """One opened index per package for the app's life (a package without one is
    remembered too, so each is looked for once). `prefetch` opens one in a thread
    while Textual starts; `for_target` then finds it open (or waits for it)."""

    _opened: dict[str, IndexPaint | None] = field(default_factory=dict)
    _notes: dict[str, str] = field(default_factory=dict)  # said once, then dropped
    _started: set[str] = field(default_factory=set)  # open, or being opened
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def prefetch(self, target: str) -> None:
        self._started.add(_package(target))
        threading.Thread(
            target=self._open, args=(target,), name="index-prefetch", daemon=True
        ).start()

    def prefetched(self, target: str) -> bool:
        """Whether the index of `target`'s package is open or being opened by `prefetch`
        (so `for_target` answers at once, or as soon as the prefetch is done)."""
        return _package(target) in self._started

    def for_target(self, target: str) -> tuple[IndexPaint | None, str | None]:
        """(the paint for `target`'s package, a note the first time its index is refused)."""
        package = self._open(target)
        with self._lock:
            return self._opened[package], self._notes.pop(package, None)

    def _open(self, target: str) -> str:
        package = _package(target)
        with self._lock:
            self._started.add(package)  # from now on it answers at once
            if package in self._opened:
                return package
            try:
                index, note = open_current(package)
            except UNREADABLE as exc:
                index, note = None, f"the {package} index could not be read ({exc})"
            self._opened[package] = IndexPaint(index) if index is not None else None
            if note:
                self._notes[package] = note
        return package

    def close(self) -> None:
        with self._lock:
            for paint in self._opened.values():
                if paint is not None:
                    paint.index.close()
            self._opened.clear()


def _package(target: str) -> str:
    return index_home(target.split(".", 1)[0])


def rebuild_stale_index(target: str) -> None:
    """Start a detached rebuild of the refused index of `target`'s package (as a stale one
    gets from a search); nothing when the cache is read-only or a builder is at work."""
    from explorer.proc.search.build import rebuild_in_background

    rebuild_in_background(_package(target))
