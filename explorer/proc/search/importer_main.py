"""What runs inside an index importer process (started by explorer.proc.search.importers).

It answers JSON-lines requests (explorer.proc.protocol, replies tagged with the
session's secret) on its own pipes: "import_root" {module} (and fork the workers),
"index_entries" {modules} (the entries and the failures of a batch in the reply) and
"store_index". As it starts each module of a batch it writes a progress record, the
module's place in the batch and the time it started, to a pipe of its own: the builder
reads it only when a module's time is up or the process died, to know which module that
was, and the process never waits on the builder between modules. Whatever modules print
goes to /dev/null.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import signal
import sys
import time
from typing import Any

from explorer.core.model import ImportFailure
from explorer.proc import launch, protocol
from explorer.proc.messages import Op
from explorer.proc.search.wire import (
    Forked,
    ImportRootRequest,
    IndexEntries,
    IndexEntriesRequest,
    IndexStored,
    StoreIndexRequest,
    progress_record,
)

Pipes = tuple[int, int, int]  # (requests read end, replies write end, progress write end)


def _serve(channel: protocol.Channel, progress: int, extra: list[Pipes], own: list[int]) -> None:
    import importlib
    import warnings

    warnings.simplefilter("ignore")
    from explorer.core.search.collect import entries_for_module

    seen: dict[str, dict[str, tuple[str, str]]] = {}  # per package: each index describes its own
    kept: dict[str, list[dict[str, Any]]] = {}  # per package, for store_index

    def import_root(request: ImportRootRequest, emit: protocol.Emit) -> Forked:
        os.write(progress, progress_record(own_secret[0], 0, time.monotonic()))
        importlib.import_module(request.module)
        for number, name in enumerate(request.also, 1):
            os.write(progress, progress_record(own_secret[0], number, time.monotonic()))
            with contextlib.suppress(BaseException):  # its own build says what it raises
                importlib.import_module(name)
        return Forked(tuple(_fork_workers(extra, own)))

    def index_entries(request: IndexEntriesRequest, emit: protocol.Emit) -> IndexEntries:
        entries: list[dict[str, Any]] = []
        failed = []
        for number, module in enumerate(request.modules):
            # The builder's clock for this module starts now (one write, nobody woken).
            os.write(progress, progress_record(own_secret[0], number, time.monotonic()))
            try:
                importlib.import_module(module)
                found = entries_for_module(module, seen.setdefault(module.split(".", 1)[0], {}))
            except BaseException as exc:  # noqa: BLE001 - SystemExit on import is a failure too
                failed.append(ImportFailure(module, _raised(exc)))
                continue
            entries.extend(found)
        if request.keep_for:
            kept.setdefault(request.keep_for, []).extend(entries)
            return IndexEntries((), tuple(failed))
        return IndexEntries(tuple(entries), tuple(failed))

    def store(request: StoreIndexRequest, emit: protocol.Emit) -> IndexStored:
        return _store(request, kept.pop(request.package, []))

    protocol.serve(channel, {Op.IMPORT_ROOT: import_root, Op.INDEX_ENTRIES: index_entries,
                             Op.STORE_INDEX: store})  # fmt: skip


def _raised(error: BaseException) -> str:
    lines = protocol.safe_str(error).strip().splitlines()
    return f"importing it raised {type(error).__name__}: {lines[0] if lines else ''}"


def _store(request: StoreIndexRequest, entries: list[dict[str, Any]]) -> IndexStored:
    """Merge the kept entries and write the index file (the builder holds its lock)."""
    from explorer.core.search.names import IndexKey
    from explorer.core.search.store import store_entries

    key = IndexKey(request.package, request.version, request.python)
    index = store_entries(key, request.fingerprint, entries, list(request.skipped),
                          private=request.private)  # fmt: skip
    try:
        imported = {name.partition(".")[0] for name in list(sys.modules)}
        return IndexStored(index.entry_count, tuple(index.notes), tuple(sorted(imported)))
    finally:
        index.close()


def _fork_workers(extra: list[Pipes], own: list[int]) -> list[int]:
    """Fork one worker per extra set of pipes; each serves there and never returns here.

    A worker closes this process's protocol fds (holding its reply pipe open would
    hide this process's death from the builder) and dies with this process.
    """
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    me = os.getpid()
    pids = []
    for number, (request_fd, reply_fd, progress_fd) in enumerate(extra):
        pid = os.fork()
        if pid == 0:
            os.setpgid(0, 0)  # its own group, so the builder can kill it alone
            launch.die_with_parent(me)
            for descriptor in own:
                os.close(descriptor)
            for other, pipes in enumerate(extra):
                if other != number:
                    for descriptor in pipes:
                        os.close(descriptor)
            channel = protocol.Channel(os.fdopen(request_fd, "rb"), os.fdopen(reply_fd, "wb"),
                                       own_secret[0])  # fmt: skip
            try:
                _serve(channel, progress_fd, [], [request_fd, reply_fd, progress_fd])
            finally:
                os._exit(0)
        pids.append(pid)
    for pipes in extra:
        for descriptor in pipes:
            os.close(descriptor)
    extra.clear()
    return pids


own_secret: list[bytes | None] = [None]  # this process's protocol secret, for its workers


def main(argv: list[str]) -> int:
    """argv: the memory cap, this process's progress fd, then the forks' pipes
    (`requests:replies:progress`, comma-separated)."""
    # A short-lived importer allocates hundreds of thousands of objects and frees few:
    # the cyclic collector would only re-scan them (10-20% of an import-bound run).
    gc.disable()
    launch.confine_child(int(argv[0]))
    progress = int(argv[1])
    extra = [_pipes(triple) for triple in argv[2].split(",") if triple] if len(argv) > 2 else []
    own_secret[0] = protocol.read_secret()
    # Like protocol.claim_protocol_fds, keeping the fd numbers for the workers to close.
    own = [os.dup(0), os.dup(1), progress]
    devnull = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):  # imports' prints and warnings never reach the terminal
        os.dup2(devnull, descriptor)
    os.close(devnull)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    channel = protocol.Channel(os.fdopen(own[0], "rb"), os.fdopen(own[1], "wb"), own_secret[0])
    _serve(channel, progress, extra, own)
    # The builder closed the pipe: every index is stored. The imports' exit handlers run,
    # but tearing down every imported module (~0.1 s of CPU after the standard library) is
    # skipped, as a forked worker skips it.
    atexit._run_exitfuncs()
    os._exit(0)


def _pipes(triple: str) -> Pipes:
    request, reply, progress = (int(part) for part in triple.split(":"))
    return request, reply, progress


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
