"""The wire between the UI/CLI and a worker or kernel child: JSON lines on private pipes.

    request  {"id": 1, "op": "list", "args": {...}}
    event    {"id": 1, "event": "output", ...}           zero or more, streamed
    reply    {"id": 1, "result": {...}}  or  {"id": 1, "error": {"type", "message", "traceback"}}
    ready    {"id": 0, "ready": true}     a worker or kernel, once, when it has started

What each op carries is described in explorer.proc.messages. The child keeps the
protocol off fds 0-2: they are moved aside at start-up, so user code that reads
stdin gets EOF and whatever it prints (even from C) never lands in the stream.

Replies and events carry a tag: a line is `JSON<TAB>HMAC-SHA256(secret, JSON)`,
with a secret the parent makes for each child and hands over on a pipe that the
child reads and closes before any user code runs. Code running in the child can
still find the protocol's fds (/proc/self/fd) and write to them; without the
secret, what it writes is rejected and the parent treats the child as tampered
with. The secret lives only in this process's memory, so code that searches the
interpreter's objects for it could still forge a reply: the kernel runs what the
user asked to run and is not a sandbox against deliberately hostile code; the
tag stops accidental and casual forgery (a stray write to fd 3, a forked copy of
the child, a module that prints protocol-looking lines).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO

from explorer.core.errors import UsageError, exception_text
from explorer.core.model import Record
from explorer.proc.messages import (
    Event,
    Json,
    JsonObject,
    Op,
    ProtocolError,
    as_object,
    decode_request,
    encode_event,
)

Emit = Callable[[Event], None]
Handler = Callable[[Any, Emit], Record]  # (the op's typed request, emit) -> its reply record
SECRET_FD_ENV = "EXPLORER_PROTOCOL_SECRET_FD"
_SURROGATES = re.compile("[\ud800-\udfff]")
_TAG_SEPARATOR = b"\t"  # json.dumps escapes tabs inside strings, so the last one is ours


def _no_default(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not JSON")


def new_secret() -> bytes:
    return secrets.token_hex(32).encode()


def tag(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, payload, hashlib.sha256).hexdigest().encode()


# The C encoder and scanner, bound now: a target that replaces `json.dumps` (or patches
# JSONEncoder) after this module is imported cannot change what the child writes.
_ITERENCODE: Any = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
    None, _no_default, json.encoder.encode_basestring, None, ":", ",", False, False, True
)
_RAW_DECODE = json.JSONDecoder().raw_decode


def _dumps(message: JsonObject) -> str:
    return "".join(_ITERENCODE(message, 0))


def _loads(data: bytes) -> Json:
    text = data.decode()
    value, end = _RAW_DECODE(text)
    if text[end:].strip():
        raise ValueError("extra data after the message")
    return value  # type: ignore[no-any-return]


def encode(message: JsonObject, secret: bytes | None = None) -> bytes:
    """One line; text from targets may hold lone surrogates, which become U+FFFD here."""
    text = _dumps(message)
    payload = _SURROGATES.sub("\ufffd", text).encode()
    if secret is not None:
        payload += _TAG_SEPARATOR + tag(secret, payload)
    return payload + b"\n"


def decode(line: bytes, secret: bytes | None = None) -> JsonObject:
    """A message from one line; ProtocolError when it is not ours (wrong tag, not JSON)."""
    payload = line.rstrip(b"\n")
    if secret is not None:
        payload, separator, received = payload.rpartition(_TAG_SEPARATOR)
        if not separator or not hmac.compare_digest(received, tag(secret, payload)):
            raise ProtocolError("a line without the session's tag")
    try:
        message = as_object(_loads(payload))
    except ValueError as exc:
        raise ProtocolError(f"not a protocol message: {payload[:80]!r}") from exc
    if not isinstance(message.get("id"), int):
        raise ProtocolError(f"a message without an id: {payload[:80]!r}")
    return message


def request_line(request_id: int, op: Op, args: JsonObject) -> bytes:
    return encode({"id": request_id, "op": str(op), "args": args})


class Channel:
    """The child's end: reads requests, writes tagged replies and events (thread-safe).

    A process forked from the child (by user code) that reaches `send` exits at once:
    two processes answering on one pipe would interleave their replies.
    """

    def __init__(self, reader: BinaryIO, writer: BinaryIO, secret: bytes | None = None) -> None:
        self._reader = reader
        self._writer = writer
        self._secret = secret
        self._owner = os.getpid()
        self._lock = threading.Lock()

    def receive(self) -> JsonObject | None:
        line = self._reader.readline()
        return decode(line) if line else None

    def send(self, message: JsonObject) -> None:
        if os.getpid() != self._owner:
            os._exit(0)
        data = encode(message, self._secret)
        with self._lock:
            self._writer.write(data)
            self._writer.flush()


def read_secret() -> bytes | None:
    """The secret the parent wrote to an inherited pipe (None when started by hand)."""
    descriptor = os.environ.pop(SECRET_FD_ENV, None)
    if descriptor is None:
        return None
    fd = int(descriptor)
    with os.fdopen(fd, "rb") as pipe:
        return pipe.read(128).strip() or None


def claim_protocol_fds() -> Channel:
    """Move the protocol off fds 0/1 and point them at /dev/null.

    Call first thing in a child, before importing any user code. The caller may
    later point fds 1 and 2 at a capture pipe instead of /dev/null.
    """
    secret = read_secret()
    proto_in = os.dup(0)
    proto_out = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - lives as long as the process
    sys.stdout = os.fdopen(os.dup(1), "w", buffering=1)
    return Channel(os.fdopen(proto_in, "rb"), os.fdopen(proto_out, "wb"), secret)


def error_payload(exc: BaseException) -> JsonObject:
    """The reply for a failed request; a UsageError is one line, no traceback."""
    if isinstance(exc, UsageError):
        return {"type": "UsageError", "message": safe_str(exc), "traceback": ""}
    try:
        trace = "".join(traceback.format_exception(exc))
    except Exception:  # noqa: BLE001 - an exception whose __str__ raises
        trace = ""
    return {"type": type(exc).__name__, "message": safe_str(exc), "traceback": trace}


safe_str = exception_text


READY_ID = 0  # request ids start at 1: a message with this id says the child is ready


def announce_ready(channel: Channel) -> None:
    """Tell the parent this child has started (its imports are done): the parent's clock
    for a request measures the request, not a start-up that a loaded machine can stretch
    to seconds. (Index importers do not announce: their parent reads replies in order.)"""
    channel.send({"id": READY_ID, "ready": True})


def serve(channel: Channel, handlers: Mapping[Op, Handler]) -> None:
    """Answer requests one at a time until the parent closes the channel."""
    while (message := channel.receive()) is not None:
        request_id = message["id"]

        def emit(event: Event, _id: Any = request_id) -> None:
            channel.send({"id": _id, **encode_event(event)})

        try:
            request = decode_request(
                str(message.get("op", "")), as_object(message.get("args") or {})
            )
            handler = handlers.get(request.op)
            if handler is None:
                raise ProtocolError(f"this process does not answer {str(request.op)!r}")
            reply = handler(request, emit)
        except BaseException as exc:  # noqa: BLE001 - SystemExit from user code is a reply too
            channel.send({"id": request_id, "error": error_payload(exc)})
        else:
            channel.send({"id": request_id, "result": reply.to_dict()})
