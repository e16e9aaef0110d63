"""The index importers' requests and replies (explorer.proc.search.importers): import a
package's root and fork, describe one module, merge and store what was kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from explorer.core.model import Record
from explorer.proc.messages import JsonObject, Op, Request, as_object, register_requests


@dataclass(frozen=True, slots=True)
class Forked(Record):
    """An importer imported the package root and forked its siblings (their pids)."""

    pids: tuple[int, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Forked:
        return cls(tuple(int(pid) for pid in data.get("pids", ())))


@dataclass(frozen=True, slots=True)
class IndexEntries(Record):
    """Search-index entries of one module (explorer.core.search.collect's plain dicts)."""

    entries: tuple[JsonObject, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexEntries:
        return cls(tuple(as_object(row) for row in data.get("entries", ())))

    def to_dict(self) -> dict[str, Any]:
        return {"entries": list(self.entries)}  # plain JSON already: no deep copy (asdict)


@dataclass(frozen=True, slots=True)
class IndexStored(Record):
    """An importer merged the entries it kept and stored the index: its size and notes."""

    entries: int
    notes: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexStored:
        return cls(int(data.get("entries", 0)), tuple(str(n) for n in data.get("notes", ())))


@dataclass(frozen=True, slots=True)
class ImportRootRequest(Request[Forked]):
    module: str
    op, reply = Op.IMPORT_ROOT, Forked


@dataclass(frozen=True, slots=True)
class IndexEntriesRequest(Request[IndexEntries]):
    module: str
    keep_for: str = ""  # keep them in the importer for this package's store_index (no reply)
    op, reply = Op.INDEX_ENTRIES, IndexEntries


@dataclass(frozen=True, slots=True)
class StoreIndexRequest(Request[IndexStored]):
    """Merge the entries kept for `package` and store them as its index (key fields)."""

    package: str
    version: str
    python: str
    fingerprint: str
    private: bool
    skipped: tuple[str, ...] = ()  # notes of the modules that could not be indexed
    op, reply = Op.STORE_INDEX, IndexStored


register_requests(ImportRootRequest, IndexEntriesRequest, StoreIndexRequest)
