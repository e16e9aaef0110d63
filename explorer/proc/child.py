"""One running worker/kernel subprocess: its pipes, reader tasks and in-flight requests.

The policy (timeouts, restarts, one request at a time) lives in client.py; this is
the wire: spawn (explorer.proc.launch's rules), send a request, route each event and
reply to the request it answers by id, and turn the child's end into WorkerDied. A
line that does not carry the session's tag ends the child: its stream can no longer
be trusted.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from explorer.proc import launch
from explorer.proc.errors import WorkerDied, WorkerError, describe_exit
from explorer.proc.messages import (
    Event,
    JsonObject,
    ProtocolError,
    Request,
    Started,
    as_object,
    decode_event,
)
from explorer.proc.protocol import READY_ID, SECRET_FD_ENV, decode, new_secret, request_line

EventHandler = Callable[[Event], None]

LINE_LIMIT = 1 << 28  # replies (a big listing, a source file) are one JSON line
STDERR_LINES = 40  # the tail of the child's own stderr kept for WorkerDied (crash dumps)


class Pending:
    """A request waiting for its reply; `started` is set by the kernel's Started event,
    once a run's namespace is seeded and the user's code begins."""

    def __init__(self, future: asyncio.Future[Any], on_event: EventHandler | None) -> None:
        self.future = future
        self.on_event = on_event
        self.started = asyncio.Event()
        self.started_at = 0.0


class Child:
    """A subprocess speaking the protocol on its stdin/stdout."""

    def __init__(
        self, process: asyncio.subprocess.Process, role: str, secret: bytes, workdir: str
    ) -> None:
        self.process = process
        self.role = role
        self.secret = secret
        self.workdir = workdir
        self.pending: dict[int, Pending] = {}
        self.stderr_tail: deque[str] = deque(maxlen=STDERR_LINES)
        self.death: WorkerDied | None = None
        self.ready = asyncio.Event()  # it said it has started: request clocks may run
        self.reader = asyncio.create_task(self._read_replies())
        self.stderr_reader = asyncio.create_task(self._read_stderr())

    @classmethod
    async def spawn(cls, command: Sequence[str], role: str, *, env: dict[str, str]) -> Child:
        secret = new_secret()
        secret_read, secret_write = os.pipe()
        os.write(secret_write, secret)  # 64 bytes: far below a pipe's buffer
        os.close(secret_write)
        workdir = launch.make_workdir()
        try:
            process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=workdir,
                env={**env, SECRET_FD_ENV: str(secret_read)},
                limit=LINE_LIMIT,
                pass_fds=(secret_read,),
                # Its own session: the terminal's Ctrl+C never reaches it, and a kill
                # takes any processes the user's code started along with it.
                start_new_session=True,
            )
        except BaseException:
            launch.remove_workdir(workdir)
            raise
        finally:
            os.close(secret_read)
        launch.register(process.pid, workdir)
        return cls(process, role, secret, workdir)

    @property
    def alive(self) -> bool:
        return self.process.returncode is None and self.death is None

    def interrupt(self) -> None:
        """SIGINT to the child alone (the kernel turns it into KeyboardInterrupt)."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                self.process.send_signal(signal.SIGINT)

    def kill_now(self) -> None:
        """SIGKILL the child and everything below it, at once (no waiting)."""
        if self.process.returncode is None:
            launch.kill_tree(self.process.pid)
        else:
            launch.kill_group(self.process.pid)  # its pid may be someone else's by now

    async def send(self, request_id: int, request: Request[Any]) -> None:
        try:
            stdin = self.process.stdin
            assert stdin is not None
            stdin.write(request_line(request_id, request.op, request.args()))
            await stdin.drain()
        except (ConnectionError, RuntimeError):
            pass  # the reader reports the death through the pending future

    async def kill(self) -> None:
        self.kill_now()
        await self.process.wait()
        await self.finish()

    async def close(self, grace: float = 1.0) -> None:
        """Close stdin (the child's serve loop ends at EOF); then kill whatever is left
        (the child if it lingers, and anything user code started below it)."""
        # Found while the child lives: once it exits, its orphans are reparented away.
        below = launch.descendants(self.process.pid) if self.process.returncode is None else []
        stdin = self.process.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()
        if grace > 0 and below == []:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.process.wait(), grace)
        if self.process.returncode is None:
            launch.kill_tree(self.process.pid, also=below)
        else:
            launch.kill_pids(below)
            launch.kill_group(self.process.pid)
        await self.process.wait()
        await self.finish()

    async def finish(self) -> None:
        """Wait for the readers after the process ended; fail what is still waiting."""
        for task in (self.reader, self.stderr_reader):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 1.0)
        self.fail_pending(self.death or WorkerDied(f"{self.role} stopped"))
        launch.unregister(self.process.pid)
        launch.remove_workdir(self.workdir)

    def fail_pending(self, error: BaseException) -> None:
        for entry in self.pending.values():
            if not entry.future.done():
                entry.future.set_exception(error)
                entry.future.exception()  # retrieved: no "never retrieved" noise if abandoned

    async def _read_replies(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            while line := await stream.readline():
                self._dispatch(line)
        except ProtocolError as exc:
            self.death = WorkerDied(
                f"the {self.role}'s reply stream was written to by the code it ran ({exc}) "
                "— stopped and restarted"
            )
            self.kill_now()
        except (ValueError, asyncio.LimitOverrunError, ConnectionError):
            # An unreadable reply: the stream is out of step for good, so end the child.
            self.kill_now()
        returncode = await self.process.wait()
        with contextlib.suppress(TimeoutError, Exception):
            await asyncio.wait_for(asyncio.shield(self.stderr_reader), 0.5)
        if self.death is None:
            self.death = WorkerDied(
                describe_exit(self.role, returncode), returncode, "".join(self.stderr_tail)
            )
        self.fail_pending(self.death)

    async def _read_stderr(self) -> None:
        stream = self.process.stderr
        assert stream is not None
        with contextlib.suppress(ValueError, asyncio.LimitOverrunError, ConnectionError):
            while line := await stream.readline():
                self.stderr_tail.append(line.decode(errors="replace")[:2000])

    def _dispatch(self, line: bytes) -> None:
        message = decode(line, self.secret)  # ProtocolError ends the child (see above)
        request_id = message["id"]
        if request_id == READY_ID and message.get("ready") is True:
            self.ready.set()
            return
        entry = self.pending.get(request_id) if isinstance(request_id, int) else None
        if entry is None:
            return  # the answer to a request that was cancelled or timed out
        if "event" in message:
            self._route_event(entry, decode_event(message))
        elif not entry.future.done():
            if "error" in message:
                entry.future.set_exception(_worker_error(as_object(message["error"])))
            else:
                entry.future.set_result(message.get("result"))

    def _route_event(self, entry: Pending, event: Event) -> None:
        if isinstance(event, Started):
            entry.started_at = asyncio.get_running_loop().time()
            entry.started.set()
        elif entry.on_event is not None:
            with contextlib.suppress(Exception):  # a consumer's bug must not stop routing
                entry.on_event(event)


def _worker_error(error: JsonObject) -> WorkerError:
    return WorkerError(
        str(error.get("type", "Error")), str(error.get("message", "")),
        str(error.get("traceback", "")),
    )  # fmt: skip
