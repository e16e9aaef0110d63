"""Capture what user code writes to fds 1/2 in a child, without ever blocking it.

A pipe replaces the fd; a reader thread drains it and hands decoded text to a
sink in coalesced chunks (so a tight print loop becomes a few events, not
thousands). `sync()` pushes a marker through the pipe and waits for the reader
to reach it: everything written before the call has then reached the sink,
which is how a run's output is known to be complete before its reply is sent.
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import io
import os
import select
import sys
import threading
import time
from collections import deque
from collections.abc import Callable

TextSink = Callable[[str], None]

CHUNK = 65536
COALESCE_BYTES = 32 * 1024  # flush a pending chunk at this size...
COALESCE_SECONDS = 0.02  # ...or this long after its first byte arrived

_libc: ctypes.CDLL | None
try:
    _libc = ctypes.CDLL(None)
except OSError:  # pragma: no cover - not on Linux
    _libc = None


def flush_all_streams() -> None:
    """Flush Python's and C's stdio buffers so buffered prints reach the pipe."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()
    if _libc is not None:
        with contextlib.suppress(Exception):
            _libc.fflush(None)


def text_stream(fd: int) -> io.TextIOWrapper:
    """A write-through text stream on `fd`: Python prints and C writes stay in order."""
    raw = io.FileIO(fd, "w", closefd=False)
    return io.TextIOWrapper(
        raw, encoding="utf-8", errors="backslashreplace", line_buffering=True, write_through=True
    )


class OutputPump:
    """A pipe standing in for one or more fds, drained by a daemon thread."""

    def __init__(self, sink: TextSink, name: str = "output") -> None:
        self._sink = sink
        self._read_fd, self._write_fd = os.pipe()
        self._marker = b"\x00explorer-sync-" + os.urandom(8).hex().encode() + b"\x00"
        self._synced = threading.Event()
        self._sync_lock = threading.Lock()
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._thread = threading.Thread(target=self._drain, name=f"pump-{name}", daemon=True)
        self._thread.start()

    def attach(self, fd: int) -> None:
        """Point `fd` (1 or 2) at this pump's pipe."""
        os.dup2(self._write_fd, fd)

    def sync(self, timeout: float = 2.0) -> bool:
        """Wait until everything written so far has reached the sink."""
        flush_all_streams()
        with self._sync_lock:
            self._synced.clear()
            try:
                # Our own copy of the write end: user code may have re-pointed fd 1.
                os.write(self._write_fd, self._marker)
            except OSError:
                return False
            return self._synced.wait(timeout)

    def _drain(self) -> None:
        held = b""  # bytes that might be the start of a marker split across reads
        pending: list[str] = []
        pending_size = 0
        deadline = 0.0
        while True:
            wait = max(0.0, deadline - time.monotonic()) if pending else None
            ready, _, _ = select.select([self._read_fd], [], [], wait)
            if not ready:
                self._flush(pending)
                pending_size = 0
                continue
            data = os.read(self._read_fd, CHUNK)
            if not data:
                self._flush(pending)
                return
            data = held + data
            held = b""
            while (at := data.find(self._marker)) != -1:
                self._add(pending, data[:at])
                self._flush(pending)
                pending_size = 0
                self._synced.set()
                data = data[at + len(self._marker) :]
            data, held = self._split_partial_marker(data)
            if data:
                if not pending:
                    deadline = time.monotonic() + COALESCE_SECONDS
                pending_size += self._add(pending, data)
                if pending_size >= COALESCE_BYTES:
                    self._flush(pending)
                    pending_size = 0

    def _split_partial_marker(self, data: bytes) -> tuple[bytes, bytes]:
        start = data.rfind(b"\x00", max(0, len(data) - len(self._marker) + 1))
        if start != -1 and self._marker.startswith(data[start:]):
            return data[:start], data[start:]
        return data, b""

    def _add(self, pending: list[str], data: bytes) -> int:
        if not data:
            return 0
        pending.append(self._decoder.decode(data))
        return len(data)

    def _flush(self, pending: list[str]) -> None:
        text = "".join(pending)
        pending.clear()
        if text:
            # A broken sink must not kill the drain: the writer would block forever.
            with contextlib.suppress(Exception):
                self._sink(text)


class RingBuffer:
    """The last `limit` characters written, for the worker's "output" op."""

    def __init__(self, limit: int = 1 << 20) -> None:
        self._limit = limit
        self._parts: deque[str] = deque()
        self._size = 0
        self._dropped = 0
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        with self._lock:
            self._parts.append(text)
            self._size += len(text)
            while self._size > self._limit and self._parts:
                extra = self._size - self._limit
                head = self._parts[0]
                if len(head) <= extra:
                    self._parts.popleft()
                    self._size -= len(head)
                    self._dropped += len(head)
                else:
                    self._parts[0] = head[extra:]
                    self._size -= extra
                    self._dropped += extra

    def text(self) -> str:
        with self._lock:
            body = "".join(self._parts)
            dropped = self._dropped
        if dropped:
            return f"[{dropped} earlier characters dropped]\n{body}"
        return body

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()
            self._size = 0
            self._dropped = 0
