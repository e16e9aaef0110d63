"""The index importers' requests and replies (explorer.proc.search.importers): import a
package's root and fork, describe a batch of modules, merge and store what was kept; and
the progress records an importer writes as it starts each module of a batch."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from explorer.core.model import ImportFailure, Record
from explorer.proc.messages import JsonObject, Op, Request, as_object, register_requests
from explorer.proc.protocol import tag


@dataclass(frozen=True, slots=True)
class Forked(Record):
    """An importer imported the package root and forked its siblings (their pids)."""

    pids: tuple[int, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Forked:
        return cls(tuple(int(pid) for pid in data.get("pids", ())))


@dataclass(frozen=True, slots=True)
class IndexEntries(Record):
    """Search-index entries of a batch of modules (explorer.core.search.collect's plain
    dicts), and the modules of the batch whose import raised (why: one line)."""

    entries: tuple[JsonObject, ...]
    failed: tuple[ImportFailure, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexEntries:
        failed = (as_object(item) for item in data.get("failed", ()))
        return cls(
            tuple(as_object(row) for row in data.get("entries", ())),
            tuple(ImportFailure(str(item.get("module")), str(item.get("why"))) for item in failed),
        )

    def to_dict(self) -> dict[str, Any]:
        # The entries are plain JSON already: no deep copy (asdict).
        failed = [{"module": item.module, "why": item.why} for item in self.failed]
        return {"entries": list(self.entries), "failed": failed}


@dataclass(frozen=True, slots=True)
class IndexStored(Record):
    """An importer merged the entries it kept and stored the index: its size and notes,
    and the top-level packages it has imported by now (its next packages may be among them)."""

    entries: int
    notes: tuple[str, ...] = ()
    imported: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexStored:
        return cls(
            int(data.get("entries", 0)),
            tuple(str(note) for note in data.get("notes", ())),
            tuple(str(name) for name in data.get("imported", ())),
        )


@dataclass(frozen=True, slots=True)
class ImportRootRequest(Request[Forked]):
    """Import `module`, then each of `also` (what it raises is ignored), then fork; a
    progress record as each starts (the root is 0)."""

    module: str
    also: tuple[str, ...] = ()
    op, reply = Op.IMPORT_ROOT, Forked

    def __post_init__(self) -> None:
        object.__setattr__(self, "also", tuple(str(name) for name in self.also))


@dataclass(frozen=True, slots=True)
class IndexEntriesRequest(Request[IndexEntries]):
    """Import and describe `modules` in order, with a progress record as each one starts
    (its own time limit starts there): one round trip for many modules."""

    modules: tuple[str, ...]
    keep_for: str = ""  # keep them in the importer for this package's store_index (no reply)
    op, reply = Op.INDEX_ENTRIES, IndexEntries

    def __post_init__(self) -> None:
        object.__setattr__(self, "modules", tuple(str(name) for name in self.modules))


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


# ---- progress records: which module of a batch an importer is on -----------------------------
# One line per module as the importer starts it, on a pipe of its own: `number started`
# (its place in the batch, time.monotonic() then: one clock for every process on the
# machine), tagged like a reply. The builder reads them after each reply and whenever a
# deadline passes, so a batch's records (a few KiB) never fill the pipe.


def progress_record(secret: bytes | None, number: int, started: float) -> bytes:
    payload = f"{number} {started!r}".encode()
    return payload + (b"\t" + tag(secret, payload) if secret is not None else b"") + b"\n"


def read_progress(line: bytes, secret: bytes | None) -> tuple[int, float] | None:
    """(module number, when it started) from one record; None for a line that is not one
    (no tag of this session, not two numbers)."""
    payload = line
    if secret is not None:
        payload, separator, received = line.rpartition(b"\t")
        if not separator or not hmac.compare_digest(received, tag(secret, payload)):
            return None
    try:
        number, started = payload.split()
        return int(number), float(started)
    except ValueError:
        return None
