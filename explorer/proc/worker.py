"""The worker child: imports targets and answers list/doc/help/source/index requests.

Run as `python -m explorer.proc.worker`. Ops: ping; list {target, private?,
dunder?} -> Listing dict; doc {target} -> Doc dict; help {target} -> str;
source {target} -> Source dict; warm {module} -> {module, seconds};
output {clear?} -> str; index_entries {module} -> list of dicts. A bad target
is an error reply of type "UsageError" with a one-line message.

Whatever the explored modules print on import (print, os.write(1, ...),
warnings, C stdio) lands in a bounded capture buffer that the "output" op
returns; it never reaches the terminal or the protocol stream.
"""

from __future__ import annotations

import faulthandler
import importlib
import os
import signal
import sys
import time
from typing import Any

from explorer import settings
from explorer.core.errors import UsageError
from explorer.proc.capture import OutputPump, RingBuffer, text_stream
from explorer.proc.protocol import Channel, Emit, Handler, claim_protocol_fds, serve

OUTPUT_LIMIT = settings.MODULE_OUTPUT_LIMIT


class Capture:
    """fds 1 and 2 (and sys.stdout/err, warnings) feeding one ring buffer."""

    def __init__(self, limit: int = OUTPUT_LIMIT) -> None:
        self.buffer = RingBuffer(limit)
        self.pump = OutputPump(self.buffer.write, name="worker")
        self.pump.attach(1)
        self.pump.attach(2)
        sys.stdout = text_stream(1)
        # warnings.showwarning looks sys.stderr up at each call, so warnings land here too.
        sys.stderr = text_stream(2)

    def text(self, *, clear: bool = False) -> str:
        self.pump.sync()
        text = self.buffer.text()
        if clear:
            self.buffer.clear()
        return text


def keep_crash_reports(original_stderr: int) -> None:
    """faulthandler writes a segfault's Python stack to the parent's stderr pipe."""
    faulthandler.enable(file=os.fdopen(original_stderr, "w"), all_threads=False)


def _flag(args: dict[str, Any], name: str) -> bool:
    return bool(args.get(name, False))


def _target(args: dict[str, Any]) -> str:
    target = args.get("target")
    if not isinstance(target, str):
        raise UsageError("missing target: give a dotted name such as torch.distributions")
    return target


def handle_list(args: dict[str, Any], emit: Emit) -> Any:
    from explorer.core import members

    listing = members.list_members(
        _target(args), private=_flag(args, "private"), dunder=_flag(args, "dunder")
    )
    return listing.to_dict()


def handle_doc(args: dict[str, Any], emit: Emit) -> Any:
    from explorer.core import docs

    return docs.get_doc(_target(args)).to_dict()


def handle_help(args: dict[str, Any], emit: Emit) -> Any:
    from explorer.core import docs

    return docs.help_text(_target(args))


def handle_source(args: dict[str, Any], emit: Emit) -> Any:
    from explorer.core import docs

    return docs.get_source(_target(args)).to_dict()


def handle_warm(args: dict[str, Any], emit: Emit) -> Any:
    """Import a module ahead of use (e.g. torch while the UI paints)."""
    from explorer.core.resolve import resolve

    module = str(args.get("module", ""))
    started = time.perf_counter()
    resolve(module)  # validates the dotted name; nothing is evaluated
    return {"module": module, "seconds": round(time.perf_counter() - started, 3)}


def handle_index_entries(args: dict[str, Any], emit: Emit) -> Any:
    try:
        index_collect = importlib.import_module("explorer.core.search.collect")
    except ModuleNotFoundError as exc:
        if exc.name != "explorer.core.search.collect":
            raise
        raise NotImplementedError(
            "the search index collector (explorer.core.search.collect) is not available"
        ) from exc
    return list(index_collect.entries_for_module(str(args.get("module", ""))))


def handle_ping(args: dict[str, Any], emit: Emit) -> Any:
    return {"pid": os.getpid(), "python": sys.version.split()[0]}


def inspection_handlers() -> dict[str, Handler]:
    """The look-don't-run ops, shared with the kernel."""
    return {
        "ping": handle_ping,
        "list": handle_list,
        "doc": handle_doc,
        "help": handle_help,
        "source": handle_source,
        "warm": handle_warm,
    }


def worker_handlers(capture: Capture) -> dict[str, Handler]:
    def handle_output(args: dict[str, Any], emit: Emit) -> Any:
        return capture.text(clear=_flag(args, "clear"))

    return {
        **inspection_handlers(),
        "index_entries": handle_index_entries,
        "output": handle_output,
    }


def start_child() -> tuple[Channel, int]:
    """Protocol off fds 0/1, SIGINT ignored; returns the channel and the parent's stderr."""
    channel = claim_protocol_fds()
    original_stderr = os.dup(2)
    # The client interrupts only the kernel; a stray SIGINT must not end a worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return channel, original_stderr


def main() -> None:
    channel, original_stderr = start_child()
    capture = Capture()
    keep_crash_reports(original_stderr)
    serve(channel, worker_handlers(capture))


if __name__ == "__main__":
    main()
