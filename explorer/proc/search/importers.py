"""Importer processes for the index builder, and the deadline-aware pipe that talks to them.

Importers start like every other child (explorer.proc.launch): `python -I` with a
safe sys.path, in a temporary working directory, confined at once (parent-death
signal, subreaper, memory cap), registered with the live-children registry and
ended with `kill_tree`. Each answers JSON-lines requests on its own pipes, and reports
which module of a batch it is on on a third (explorer.proc.search.importer_main runs
inside them).

`start_children(root, count)` for `count` > 1 starts one process that imports the
root package (torch: seconds of CPU) and forks `count` workers from itself, so the
package is imported once and shared copy-on-write, as PyTorch's own DataLoader
workers do; the first process only waits (a zygote), so a worker that crashes
takes nothing else with it, and each worker dies with it (a parent-death signal
of its own). `spawn()` starts one importer that serves requests itself; it may
index several packages one after another (`--index --all` reuses it).
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from explorer.proc import launch, protocol
from explorer.proc.messages import Request
from explorer.proc.search.wire import ImportRootRequest, read_progress

R = TypeVar("R")
Reached = Callable[[int, float], float]  # (module number, started) -> its deadline
Pipes = tuple[int, int, int]  # a fork's (request write end, reply read end, progress read end)
_MODULE = "explorer.proc.search.importer_main"
PROGRESS_POLL = 0.5  # seconds between looks at a busy child's progress records


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
        self, pid: int, fds: Pipes, secret: bytes,
        process: subprocess.Popen[bytes] | None = None, workdir: str | None = None,
    ) -> None:  # fmt: skip
        with _LIVE_LOCK:
            _LIVE.add(self)
        self.pid = pid
        self.roots: set[str] = set()  # packages this process has imported
        self._write_fd, self._read_fd, self._progress_fd = fds
        os.set_blocking(self._progress_fd, False)  # read only what is there
        self._progress = bytearray()
        self._secret = secret
        self._process = process
        self._workdir = workdir
        self._buffer = bytearray()
        self._next_id = 0
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def call(self, request: Request[R], timeout: float, reached: Reached | None = None) -> R:
        """The typed reply; ImportFailed when the child answered with an error, ChildFailed
        when it takes too long, dies or answers without the session's tag.

        A batch's modules each have their own deadline: the child records each one as it
        starts it (`reached(number, started)` gives that module's deadline), and those
        records are read every PROGRESS_POLL seconds while a reply is awaited (not once
        per module: nothing wakes this thread for them), when the child dies and after
        the reply, so that `reached` always knows which module was the last one begun.
        """
        self._next_id += 1
        started, deadline = time.monotonic(), time.monotonic() + timeout
        try:
            os.write(self._write_fd, protocol.request_line(self._next_id, request.op,
                                                           request.args()))  # fmt: skip
            while True:
                try:
                    line = self._read_line(min(deadline, time.monotonic() + PROGRESS_POLL))
                    break
                except TimeoutError:
                    later = self._progress_records(reached)
                    if later is not None:
                        started, deadline = later
                    if deadline <= time.monotonic():
                        raise
            reply = protocol.decode(line, self._secret)
        except TimeoutError:
            self.kill()
            raise ChildFailed(f"took longer than {deadline - started:g} s") from None
        except (OSError, EOFError, ValueError):  # ProtocolError is a ValueError
            self._progress_records(reached)
            self.kill()
            raise ChildFailed("its importer process died") from None
        self._progress_records(reached)  # this batch's records: the pipe is empty again
        error = reply.get("error")
        if isinstance(error, dict):
            raise ImportFailed(str(error.get("type", "an error")), str(error.get("message", "")))
        return request.read_reply(reply.get("result"))

    def _progress_records(self, reached: Reached | None) -> tuple[float, float] | None:
        """Read the progress records there are; (when the last module began, its deadline),
        or None when there was none."""
        with contextlib.suppress(BlockingIOError, OSError):
            while chunk := os.read(self._progress_fd, 1 << 16):
                self._progress += chunk
        *lines, rest = bytes(self._progress).split(b"\n")
        self._progress = bytearray(rest)
        last = None
        for line in lines:
            record = read_progress(line, self._secret)
            if record is not None and reached is not None:
                last = record[1], reached(*record)
        return last

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
        for descriptor in (self._write_fd, self._read_fd, self._progress_fd):
            with contextlib.suppress(OSError):
                os.close(descriptor)
        if self._process is None:  # a forked worker: the zygote reaps it
            launch.kill_pids(below)
            launch.kill_group(self.pid)
            _wait_gone([self.pid, *below])
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
        _wait_gone(below)
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


def _wait_gone(pids: list[int], limit: float = 2.0) -> None:
    """Until each of `pids` (killed, not this process's children) has exited, at most
    `limit` seconds: SIGKILL takes effect asynchronously, and a process holding a large
    address space (torch imported) needs a moment to go, so a caller that ends a build
    finds nothing of it left."""
    deadline = time.monotonic() + limit
    for pid in pids:
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.002)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            state = stat.read().rpartition(b")")[2].split()[:1]
    except OSError:
        return False
    return state not in ([b"Z"], [b"X"], [])


def spawn(forks: int = 0) -> tuple[Child, list[Pipes]]:
    """One importer, started by explorer.proc.launch's rules; with `forks`, the pipes
    (request write end, reply read end, progress read end) its forked workers will use."""
    own_progress = os.pipe()  # its requests and replies go over its stdin and stdout
    forked = [(os.pipe(), os.pipe(), os.pipe()) for _ in range(forks)]
    secret = protocol.new_secret()
    secret_read, secret_write = os.pipe()
    os.write(secret_write, secret)
    os.close(secret_write)
    extra = ",".join(f"{req[0]}:{rep[1]}:{prog[1]}" for req, rep, prog in forked)
    env = launch.child_env(None)
    env[protocol.SECRET_FD_ENV] = str(secret_read)
    workdir = launch.make_workdir()
    child_ends = [own_progress[1], *(fd for req, rep, prog in forked
                                     for fd in (req[0], rep[1], prog[1]))]  # fmt: skip
    ours = [own_progress[0], *(fd for req, rep, prog in forked for fd in (req[1], rep[0], prog[0]))]
    try:
        process = subprocess.Popen(
            launch.child_command(_MODULE, str(launch.memory_limit()), str(own_progress[1]),
                                 extra),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, cwd=workdir, start_new_session=True, pass_fds=[secret_read, *child_ends],
        )  # fmt: skip
    except BaseException:
        launch.remove_workdir(workdir)
        for descriptor in (*ours, *child_ends):
            os.close(descriptor)
        raise
    finally:
        os.close(secret_read)
    launch.register(process.pid, workdir)
    for descriptor in child_ends:
        os.close(descriptor)
    assert process.stdin is not None and process.stdout is not None
    fds = (os.dup(process.stdin.fileno()), os.dup(process.stdout.fileno()), own_progress[0])
    child = Child(process.pid, fds, secret, process, workdir)
    process.stdin.close()
    process.stdout.close()
    return child, [(req[1], rep[0], prog[0]) for req, rep, prog in forked]


def close_spawned(child: Child, pipes: list[Pipes]) -> None:
    """End a spawned importer and close the pipes meant for its forks."""
    child.kill()
    close_pipes(pipes)


def close_pipes(pipes: list[Pipes]) -> None:
    """Close our ends of the pipes `spawn` made for an importer's forks."""
    for fds in pipes:
        for descriptor in fds:
            os.close(descriptor)


def start_children(
    root: str, count: int, timeout: float, spawned: tuple[Child, list[Pipes]] | None = None,
    also: tuple[str, ...] = (), also_timeout: float = 0.0,
) -> tuple[list[Child], Child | None]:  # fmt: skip
    """(workers with `root` imported, the zygote they were forked from or None); ChildFailed
    (with the reason) when the root will not import. `spawned`: what `spawn(count)` (or
    `spawn()` for one) returned earlier, to use instead of starting one now.

    `also`: packages the zygote imports after the root, for every worker to share (those
    the root's distribution requires: its own build imports them too), each within
    `also_timeout`; one that hangs or kills the zygote costs only itself: a new zygote
    imports the root alone. (One that raises is simply not imported.)
    """
    zygote, pipes = spawned or spawn(forks=count if count > 1 else 0)
    reached = [0]  # the package the zygote is importing: 0 is the root, then `also`'s

    def deadline(number: int, started: float) -> float:
        reached[0] = number
        return started + (timeout if number == 0 else also_timeout)

    try:
        pids = zygote.call(ImportRootRequest(root, also), timeout, deadline).pids
    except (ImportFailed, ChildFailed) as exc:
        close_spawned(zygote, pipes)
        if reached[0] > 0:  # the root imported; one of `also` hung or killed the zygote
            return start_children(root, count, timeout)
        if isinstance(exc, ImportFailed):
            raise ChildFailed(f"importing {root} raised {exc}") from None
        raise
    imported = {root, *also}
    zygote.roots.update(imported)
    if not pipes:
        return [zygote], None
    workers = [Child(pid, fds, zygote._secret) for pid, fds in zip(pids, pipes, strict=True)]
    for worker in workers:
        worker.roots.update(imported)
    return workers, zygote
