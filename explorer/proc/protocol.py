"""The JSON-lines protocol between the UI/CLI and worker or kernel subprocesses.

Request  {"id": 1, "op": "list", "args": {...}}
Events   {"id": 1, "event": "stdout", ...}   zero or more, streamed
Reply    {"id": 1, "result": ...}  or  {"id": 1, "error": {"type": ..., "message": ...}}

The child keeps the protocol on private file descriptors: fds 0 and 1 are
moved aside at start-up, so user code that reads stdin gets EOF and whatever
it prints (even from C) never lands in the protocol stream.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, BinaryIO

from explorer.core.errors import UsageError

Message = dict[str, Any]
Emit = Callable[..., None]  # emit(event_name, **data)
Handler = Callable[[dict[str, Any], Emit], Any]


def encode(message: Message) -> bytes:
    return (json.dumps(message, separators=(",", ":"), default=repr) + "\n").encode()


def decode(line: bytes) -> Message:
    message = json.loads(line)
    if not isinstance(message, dict) or "id" not in message:
        raise ValueError(f"not a protocol message: {line[:80]!r}")
    return message


def request(request_id: int, op: str, **args: Any) -> Message:
    return {"id": request_id, "op": op, "args": args}


class Channel:
    """Thread-safe line-oriented reader/writer over two binary streams."""

    def __init__(self, reader: BinaryIO, writer: BinaryIO) -> None:
        self._reader = reader
        self._writer = writer
        self._lock = threading.Lock()

    def receive(self) -> Message | None:
        line = self._reader.readline()
        return decode(line) if line else None

    def send(self, message: Message) -> None:
        data = encode(message)
        with self._lock:
            self._writer.write(data)
            self._writer.flush()


def claim_protocol_fds() -> Channel:
    """Move the protocol off fds 0/1 and point them at /dev/null.

    Call first thing in a child, before importing any user code. The caller
    may later point fds 1 and 2 at a capture pipe instead of /dev/null.
    """
    proto_in = os.dup(0)
    proto_out = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - lives as long as the process
    sys.stdout = os.fdopen(os.dup(1), "w", buffering=1)
    return Channel(os.fdopen(proto_in, "rb"), os.fdopen(proto_out, "wb"))


def error_payload(exc: BaseException) -> dict[str, str]:
    """The reply for a failed request; a UsageError is one line, no traceback."""
    if isinstance(exc, UsageError):
        return {"type": "UsageError", "message": str(exc), "traceback": ""}
    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "traceback": "".join(traceback.format_exception(exc)),
    }


def serve(channel: Channel, handlers: dict[str, Handler]) -> None:
    """Answer requests one at a time until the parent closes the channel."""
    while (message := channel.receive()) is not None:
        request_id = message["id"]

        def emit(event: str, _id: int = request_id, **data: Any) -> None:
            channel.send({"id": _id, "event": event, **data})

        handler = handlers.get(message.get("op", ""))
        if handler is None:
            unknown = {"type": "UnknownOp", "message": f"unknown op {message.get('op')!r}"}
            channel.send({"id": request_id, "error": unknown})
            continue
        try:
            result = handler(message.get("args") or {}, emit)
        except BaseException as exc:  # noqa: BLE001 - SystemExit from user code is a reply too
            channel.send({"id": request_id, "error": error_payload(exc)})
        else:
            channel.send({"id": request_id, "result": result})
