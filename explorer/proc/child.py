"""One running worker/kernel subprocess: its pipes, reader tasks and in-flight requests.

The policy (timeouts, restarts, one request at a time) lives in client.py;
this is the wire: spawn, send a request, route each event and reply to the
request it answers by id, and turn the child's end into WorkerDied.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from explorer.proc.errors import WorkerDied, WorkerError, describe_exit
from explorer.proc.protocol import decode, encode, request

EventHandler = Callable[[dict[str, Any]], None]

LINE_LIMIT = 1 << 28  # replies (a big listing, a source file) are one JSON line
STDERR_LINES = 40  # the tail of the child's own stderr kept for WorkerDied (crash dumps)


class Pending:
    """A request waiting for its reply; `started` is set by the kernel's "started"
    event, once a run's namespace is seeded and the user's code begins."""

    def __init__(self, future: asyncio.Future[Any], on_event: EventHandler | None) -> None:
        self.future = future
        self.on_event = on_event
        self.started = asyncio.Event()
        self.started_at = 0.0


class Child:
    """A subprocess speaking the protocol on its stdin/stdout."""

    def __init__(self, process: asyncio.subprocess.Process, role: str) -> None:
        self.process = process
        self.role = role
        self.pending: dict[int, Pending] = {}
        self.stderr_tail: deque[str] = deque(maxlen=STDERR_LINES)
        self.death: WorkerDied | None = None
        self.reader = asyncio.create_task(self._read_replies())
        self.stderr_reader = asyncio.create_task(self._read_stderr())

    @classmethod
    async def spawn(
        cls, command: Sequence[str], role: str, *, cwd: str | None, env: dict[str, str]
    ) -> Child:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=cwd,
            env=env,
            limit=LINE_LIMIT,
            # Its own session: the terminal's Ctrl+C never reaches it, and a kill
            # takes any processes the user's code started along with it.
            start_new_session=True,
        )
        return cls(process, role)

    @property
    def alive(self) -> bool:
        return self.process.returncode is None and self.death is None

    def signal(self, signum: int, *, group: bool) -> None:
        if self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if group:
                os.killpg(self.process.pid, signum)
            else:
                self.process.send_signal(signum)

    async def send(self, request_id: int, op: str, args: dict[str, Any]) -> None:
        try:
            stdin = self.process.stdin
            assert stdin is not None
            stdin.write(encode(request(request_id, op, **args)))
            await stdin.drain()
        except (ConnectionError, RuntimeError):
            pass  # the reader reports the death through the pending future

    async def kill(self) -> None:
        self.signal(signal.SIGKILL, group=True)
        await self.process.wait()
        await self.finish()

    async def close(self, grace: float = 1.0) -> None:
        """Close stdin (the child's serve loop ends at EOF); kill it if it lingers."""
        stdin = self.process.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), grace)
        except TimeoutError:
            self.signal(signal.SIGKILL, group=True)
            await self.process.wait()
        await self.finish()

    async def finish(self) -> None:
        """Wait for the readers after the process ended; fail what is still waiting."""
        for task in (self.reader, self.stderr_reader):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 1.0)
        self.fail_pending(self.death or WorkerDied(f"{self.role} stopped"))

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
        except (ValueError, asyncio.LimitOverrunError, ConnectionError):
            # An unreadable reply: the stream is out of step for good, so end the child.
            self.signal(signal.SIGKILL, group=True)
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
        try:
            message = decode(line)
        except ValueError:
            return  # not ours; the protocol fds are private, so this is noise
        entry = self.pending.get(message["id"])
        if entry is None:
            return  # the answer to a request that was cancelled or timed out
        if message.get("event") == "started":
            entry.started_at = asyncio.get_running_loop().time()
            entry.started.set()
        elif "event" in message:
            if entry.on_event is not None:
                with contextlib.suppress(Exception):  # a consumer's bug must not stop routing
                    entry.on_event(message)
        elif not entry.future.done():
            if "error" in message:
                error = message["error"] or {}
                entry.future.set_exception(
                    WorkerError(
                        str(error.get("type", "Error")),
                        str(error.get("message", "")),
                        str(error.get("traceback", "")),
                    )
                )
            else:
                entry.future.set_result(message.get("result"))
