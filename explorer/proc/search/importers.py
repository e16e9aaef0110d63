"""Importer processes for the index builder, and the deadline-aware pipe that talks to them.

`start_children(root, count)` starts one process that imports the root package
(torch: seconds of CPU) and then forks the other `count - 1` from itself, so the
package is imported once and shared copy-on-write, as PyTorch's own DataLoader
workers do. Each child answers JSON-lines requests (explorer.proc.protocol) on its
own pipes: "warm" {module} and "index_entries" {module}. Whatever modules print
goes to /dev/null. A child that hangs or dies is killed by its process group and
replaced by a freshly started one.
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, TypeVar

from explorer.proc import protocol
from explorer.proc.messages import (
    Forked,
    ImportRootRequest,
    IndexEntries,
    IndexEntriesRequest,
    Op,
    Request,
)

R = TypeVar("R")


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
    """One importer process: requests with deadlines over a pair of pipe fds."""

    def __init__(self, pid: int, read_fd: int, write_fd: int, process: Any = None) -> None:
        with _LIVE_LOCK:
            _LIVE.add(self)
        self.pid = pid
        self._read_fd = read_fd
        self._write_fd = write_fd
        self._process: subprocess.Popen[bytes] | None = process
        self._buffer = bytearray()
        self._next_id = 0
        self._closed = False

    def call(self, request: Request[R], timeout: float) -> R:
        """The typed reply; ImportFailed when the child answered with an error, ChildFailed
        when it takes too long or dies."""
        self._next_id += 1
        try:
            line = protocol.request_line(self._next_id, request.op, request.args())
            os.write(self._write_fd, line)
            reply = protocol.decode(self._read_line(time.monotonic() + timeout))
        except TimeoutError:
            self.kill()
            raise ChildFailed(f"took longer than {timeout:g} s") from None
        except (OSError, EOFError, ValueError):
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

    def close(self) -> None:
        """End the child: closing its request pipe makes it exit; then make sure, and end
        whatever its imports started in its process group (a `sleep` a module spawned)."""
        if self._closed:
            return
        self._closed = True
        with _LIVE_LOCK:
            _LIVE.discard(self)
        for descriptor in (self._write_fd, self._read_fd):
            with contextlib.suppress(OSError):
                os.close(descriptor)
        if self._process is not None:
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._signal()
                self._process.wait()
        self._signal()

    def kill(self) -> None:
        if self._closed:
            return
        self._signal()
        self.close()

    def _signal(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)  # the child and anything its imports started


def child_path() -> list[str]:
    """This process's sys.path without the current directory: a `torch.py` or `pkg.py`
    lying there must not stand in for the real module in a child."""
    here = os.path.realpath(os.getcwd())
    return [path for path in sys.path if path and os.path.realpath(path) != here]


def child_environment() -> dict[str, str]:
    """The children find the modules the walk found on this process's sys.path, no more:
    they run with `-P` (no script dir or cwd first) in the temp dir, with this path."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(child_path()), PYTHONSAFEPATH="1")


def start_children(root: str, count: int, timeout: float) -> list[Child]:
    """`count` children with `root` imported; ChildFailed (with the reason) when it won't import."""
    pipes = [(os.pipe(), os.pipe()) for _ in range(count - 1)]  # (requests, replies) per fork
    extra = ",".join(f"{requests[0]}:{replies[1]}" for requests, replies in pipes)
    process = subprocess.Popen(
        [sys.executable, "-P", "-m", "explorer.proc.search.importers", extra],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env=child_environment(), start_new_session=True, cwd=tempfile.gettempdir(),
        pass_fds=[fd for requests, replies in pipes for fd in (requests[0], replies[1])],
    )  # fmt: skip
    for requests, replies in pipes:
        os.close(requests[0])
        os.close(replies[1])
    assert process.stdin is not None and process.stdout is not None
    first = Child(process.pid, os.dup(process.stdout.fileno()), os.dup(process.stdin.fileno()),
                  process)  # fmt: skip
    process.stdin.close()
    process.stdout.close()
    try:
        pids = first.call(ImportRootRequest(root), timeout).pids
    except ImportFailed as exc:
        first.close()
        raise ChildFailed(f"importing {root} raised {exc}") from None
    except ChildFailed:
        for requests, replies in pipes:
            os.close(requests[1])
            os.close(replies[0])
        raise
    forks = [
        Child(pid, replies[0], requests[1])
        for pid, (requests, replies) in zip(pids, pipes, strict=True)
    ]
    return [first, *forks]


# --- inside the child -----------------------------------------------------------------------


def _serve(channel: protocol.Channel, extra: list[tuple[int, int]]) -> None:
    import importlib
    import warnings

    warnings.simplefilter("ignore")
    from explorer.core.search.collect import entries_for_module

    seen: dict[str, tuple[str, str]] = {}

    def import_root(request: ImportRootRequest, emit: protocol.Emit) -> Forked:
        importlib.import_module(request.module)
        return Forked(tuple(_fork_siblings(extra)))

    def index_entries(request: IndexEntriesRequest, emit: protocol.Emit) -> IndexEntries:
        importlib.import_module(request.module)
        return IndexEntries(tuple(entries_for_module(request.module, seen)))

    protocol.serve(channel, {Op.IMPORT_ROOT: import_root, Op.INDEX_ENTRIES: index_entries})


_OWN_FDS: list[int] = []  # this process's protocol fds, which a fork must not keep open


def _fork_siblings(extra: list[tuple[int, int]]) -> list[int]:
    """Fork one child per extra pipe pair; each serves there and never returns here.

    A fork closes the first child's protocol fds: holding its reply pipe open would
    hide that child's death from the builder.
    """
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forks are reaped automatically
    pids = []
    for number, (request_fd, reply_fd) in enumerate(extra):
        pid = os.fork()
        if pid == 0:
            os.setpgid(0, 0)  # its own group, so the builder can kill it alone
            for descriptor in _OWN_FDS:
                os.close(descriptor)
            for other, (request, reply) in enumerate(extra):
                if other != number:
                    os.close(request)
                    os.close(reply)
            channel = protocol.Channel(os.fdopen(request_fd, "rb"), os.fdopen(reply_fd, "wb"))
            _exit_when_orphaned(request_fd)  # threads do not survive a fork: a watch of its own
            try:
                _serve(channel, [])
            finally:
                os._exit(0)
        pids.append(pid)
    for request_fd, reply_fd in extra:
        os.close(request_fd)
        os.close(reply_fd)
    extra.clear()
    return pids


def _exit_when_orphaned(request_fd: int) -> None:
    """Exit as soon as nobody can send requests any more, even while stuck in an import.

    Only the builder holds the write end of the request pipe: when it dies (even by
    SIGKILL) the read end reports POLLHUP. Polling for nothing but hang-up consumes
    no request, and a sleeping or hanging import does not stop this thread.
    """

    def watch() -> None:
        poller = select.poll()
        poller.register(request_fd, 0)  # POLLHUP and POLLERR are always reported
        while True:
            for _, events in poller.poll():
                if events & (select.POLLHUP | select.POLLERR | select.POLLNVAL):
                    os._exit(0)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def main(argv: list[str]) -> int:
    # A short-lived importer allocates hundreds of thousands of objects and frees few:
    # the cyclic collector would only re-scan them (10-20% of an import-bound run).
    gc.disable()
    pairs = argv[0].split(",") if argv else []
    extra = [(int(pair.split(":")[0]), int(pair.split(":")[1])) for pair in pairs if pair]
    # Like protocol.claim_protocol_fds, keeping the fd numbers for the forks to close.
    _OWN_FDS.extend((os.dup(0), os.dup(1)))
    devnull = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):  # imports' prints and warnings never reach the terminal
        os.dup2(devnull, descriptor)
    os.close(devnull)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    channel = protocol.Channel(os.fdopen(_OWN_FDS[0], "rb"), os.fdopen(_OWN_FDS[1], "wb"))
    _exit_when_orphaned(_OWN_FDS[0])
    _serve(channel, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
