"""Importer processes for the index builder, and the deadline-aware pipe that talks to them.

Importers start like every other child (explorer.proc.launch): `python -I` with a
safe sys.path, in a temporary working directory, confined at once (parent-death
signal, subreaper, memory cap), registered with the live-children registry and
ended with `kill_tree`. Each answers JSON-lines requests (explorer.proc.protocol,
replies tagged with the child's secret) on its own pipes: "import_root" {module}
and "index_entries" {modules} (an `Importing` event as each module starts, the entries and
the failures of the batch in the reply). Whatever modules print goes to /dev/null.

`start_children(root, count)` for `count` > 1 starts one process that imports the
root package (torch: seconds of CPU) and forks `count` workers from itself, so the
package is imported once and shared copy-on-write, as PyTorch's own DataLoader
workers do; the first process only waits (a zygote), so a worker that crashes
takes nothing else with it, and each worker dies with it (a parent-death signal
of its own). `spawn()` starts one importer that serves requests itself; it may
index several packages one after another (`--index --all` reuses it).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from explorer.core.model import ImportFailure
from explorer.proc import launch, protocol
from explorer.proc.messages import Event, Importing, Op, Request, decode_event
from explorer.proc.search.wire import (
    Forked,
    ImportRootRequest,
    IndexEntries,
    IndexEntriesRequest,
    IndexStored,
    StoreIndexRequest,
)

R = TypeVar("R")
_MODULE = "explorer.proc.search.importers"


class ChildFailed(Exception):
    """The child timed out or died; it has been killed."""


class ImportFailed(Exception):
    """The child answered with an error (importing the module raised)."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(f"{type_name}: {message}")
        self.type_name = type_name
        self.message = message


_LIVE: set[Child] = set()  # every child of this process not yet closed
_LIVE_LOCK = threading.Lock()


def kill_all() -> None:
    """End every importer child this process started (an abandoned build)."""
    with _LIVE_LOCK:
        children = list(_LIVE)
    for child in children:
        child.kill()


class Child:
    """One importer process: requests with deadlines over a pair of pipe fds.

    `process` is set for a process this one started (a zygote or a lone importer);
    a forked worker is a child of the zygote, in a process group of its own.
    """

    def __init__(
        self, pid: int, read_fd: int, write_fd: int, secret: bytes,
        process: subprocess.Popen[bytes] | None = None, workdir: str | None = None,
    ) -> None:  # fmt: skip
        with _LIVE_LOCK:
            _LIVE.add(self)
        self.pid = pid
        self.roots: set[str] = set()  # packages this process has imported
        self._read_fd = read_fd
        self._write_fd = write_fd
        self._secret = secret
        self._process = process
        self._workdir = workdir
        self._buffer = bytearray()
        self._next_id = 0
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def call(
        self, request: Request[R], timeout: float, on_event: Callable[[Event], float] | None = None
    ) -> R:
        """The typed reply; ImportFailed when the child answered with an error, ChildFailed
        when it takes too long, dies or answers without the session's tag. Each event the
        child streams goes to `on_event`, which says how long the child has from then on."""
        self._next_id += 1
        allowed = timeout
        try:
            line = protocol.request_line(self._next_id, request.op, request.args())
            os.write(self._write_fd, line)
            deadline = time.monotonic() + allowed
            while "event" in (reply := protocol.decode(self._read_line(deadline), self._secret)):
                allowed = on_event(decode_event(reply)) if on_event is not None else timeout
                deadline = time.monotonic() + allowed
        except TimeoutError:
            self.kill()
            raise ChildFailed(f"took longer than {allowed:g} s") from None
        except (OSError, EOFError, ValueError):  # ProtocolError is a ValueError
            self.kill()
            raise ChildFailed("its importer process died") from None
        error = reply.get("error")
        if isinstance(error, dict):
            raise ImportFailed(str(error.get("type", "an error")), str(error.get("message", "")))
        return request.read_reply(reply.get("result"))

    def _read_line(self, deadline: float) -> bytes:
        while (end := self._buffer.find(b"\n")) < 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if not select.select([self._read_fd], [], [], remaining)[0]:
                continue
            chunk = os.read(self._read_fd, 1 << 20)
            if not chunk:
                raise EOFError
            self._buffer += chunk
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        return line

    def close(self, grace: float = 5.0) -> None:
        """End the child: closing its request pipe makes it exit; then whatever is left of
        it and below it (a `sleep` one of its imports started) is killed."""
        if self._closed:
            return
        self._closed = True
        with _LIVE_LOCK:
            _LIVE.discard(self)
        below = launch.descendants(self.pid)  # found while it lives: orphans move away
        for descriptor in (self._write_fd, self._read_fd):
            with contextlib.suppress(OSError):
                os.close(descriptor)
        if self._process is None:  # a forked worker: the zygote reaps it
            launch.kill_pids(below)
            launch.kill_group(self.pid)
            return
        if not below:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=grace)
        if self._process.poll() is None:
            launch.kill_tree(self.pid, also=below)
        else:
            launch.kill_pids(below)
            launch.kill_group(self.pid)
        self._process.wait()
        launch.unregister(self.pid)
        launch.remove_workdir(self._workdir)

    def kill(self) -> None:
        if self._closed:
            return
        if self._process is None:
            launch.kill_group(self.pid)
        elif self._process.poll() is None:
            launch.kill_tree(self.pid)
        self.close(grace=0)


def spawn(forks: int = 0) -> tuple[Child, list[tuple[int, int]]]:
    """One importer, started by explorer.proc.launch's rules; with `forks`, the pipe pairs
    (request write end, reply read end) its forked workers will answer on."""
    pipes = [(os.pipe(), os.pipe()) for _ in range(forks)]  # (requests, replies) per fork
    secret = protocol.new_secret()
    secret_read, secret_write = os.pipe()
    os.write(secret_write, secret)
    os.close(secret_write)
    extra = ",".join(f"{requests[0]}:{replies[1]}" for requests, replies in pipes)
    env = launch.child_env(None)
    env[protocol.SECRET_FD_ENV] = str(secret_read)
    workdir = launch.make_workdir()
    child_ends = [fd for requests, replies in pipes for fd in (requests[0], replies[1])]
    try:
        process = subprocess.Popen(
            launch.child_command(_MODULE, str(launch.memory_limit()), extra),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, cwd=workdir, start_new_session=True, pass_fds=[secret_read, *child_ends],
        )  # fmt: skip
    except BaseException:
        launch.remove_workdir(workdir)
        for requests, replies in pipes:
            for descriptor in (*requests, *replies):
                os.close(descriptor)
        raise
    finally:
        os.close(secret_read)
    launch.register(process.pid, workdir)
    for descriptor in child_ends:
        os.close(descriptor)
    assert process.stdin is not None and process.stdout is not None
    child = Child(process.pid, os.dup(process.stdout.fileno()), os.dup(process.stdin.fileno()),
                  secret, process, workdir)  # fmt: skip
    process.stdin.close()
    process.stdout.close()
    return child, [(requests[1], replies[0]) for requests, replies in pipes]


def start_children(root: str, count: int, timeout: float) -> tuple[list[Child], Child | None]:
    """(workers with `root` imported, the zygote they were forked from or None); ChildFailed
    (with the reason) when the root will not import."""
    zygote, pipes = spawn(forks=count if count > 1 else 0)
    try:
        pids = zygote.call(ImportRootRequest(root), timeout).pids
    except (ImportFailed, ChildFailed) as exc:
        zygote.kill()
        for write_fd, read_fd in pipes:
            os.close(write_fd)
            os.close(read_fd)
        if isinstance(exc, ImportFailed):
            raise ChildFailed(f"importing {root} raised {exc}") from None
        raise
    zygote.roots.add(root)
    if not pipes:
        return [zygote], None
    workers = [
        Child(pid, read_fd, write_fd, zygote._secret)
        for pid, (write_fd, read_fd) in zip(pids, pipes, strict=True)
    ]
    for worker in workers:
        worker.roots.add(root)
    return workers, zygote


# --- inside the child -----------------------------------------------------------------------


def _serve(channel: protocol.Channel, extra: list[tuple[int, int]], own: list[int]) -> None:
    import importlib
    import warnings

    warnings.simplefilter("ignore")
    from explorer.core.search.collect import entries_for_module

    seen: dict[str, dict[str, tuple[str, str]]] = {}  # per package: each index describes its own
    kept: dict[str, list[dict[str, Any]]] = {}  # per package, for store_index

    def import_root(request: ImportRootRequest, emit: protocol.Emit) -> Forked:
        importlib.import_module(request.module)
        return Forked(tuple(_fork_workers(extra, own)))

    def index_entries(request: IndexEntriesRequest, emit: protocol.Emit) -> IndexEntries:
        entries: list[dict[str, Any]] = []
        failed = []
        for module in request.modules:
            emit(Importing(module))  # the builder's clock for this module starts now
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
        return IndexStored(index.entry_count, tuple(index.notes))
    finally:
        index.close()


def _fork_workers(extra: list[tuple[int, int]], own: list[int]) -> list[int]:
    """Fork one worker per extra pipe pair; each serves there and never returns here.

    A worker closes this process's protocol fds (holding its reply pipe open would
    hide this process's death from the builder) and dies with this process.
    """
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    me = os.getpid()
    pids = []
    for number, (request_fd, reply_fd) in enumerate(extra):
        pid = os.fork()
        if pid == 0:
            os.setpgid(0, 0)  # its own group, so the builder can kill it alone
            launch.die_with_parent(me)
            for descriptor in own:
                os.close(descriptor)
            for other, (request, reply) in enumerate(extra):
                if other != number:
                    os.close(request)
                    os.close(reply)
            channel = protocol.Channel(os.fdopen(request_fd, "rb"), os.fdopen(reply_fd, "wb"),
                                       own_secret[0])  # fmt: skip
            try:
                _serve(channel, [], [request_fd, reply_fd])
            finally:
                os._exit(0)
        pids.append(pid)
    for request_fd, reply_fd in extra:
        os.close(request_fd)
        os.close(reply_fd)
    extra.clear()
    return pids


own_secret: list[bytes | None] = [None]  # this process's protocol secret, for its workers


def main(argv: list[str]) -> int:
    # A short-lived importer allocates hundreds of thousands of objects and frees few:
    # the cyclic collector would only re-scan them (10-20% of an import-bound run).
    gc.disable()
    memory = int(argv[0]) if argv else 0
    launch.confine_child(memory)
    pairs = argv[1].split(",") if len(argv) > 1 else []
    extra = [(int(pair.split(":")[0]), int(pair.split(":")[1])) for pair in pairs if pair]
    own_secret[0] = protocol.read_secret()
    # Like protocol.claim_protocol_fds, keeping the fd numbers for the workers to close.
    own = [os.dup(0), os.dup(1)]
    devnull = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):  # imports' prints and warnings never reach the terminal
        os.dup2(devnull, descriptor)
    os.close(devnull)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    channel = protocol.Channel(os.fdopen(own[0], "rb"), os.fdopen(own[1], "wb"), own_secret[0])
    _serve(channel, extra, own)
    # The builder closed the pipe: every index is stored. The imports' exit handlers run,
    # but tearing down every imported module (~0.1 s of CPU after the standard library) is
    # skipped, as a forked worker skips it.
    atexit._run_exitfuncs()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
