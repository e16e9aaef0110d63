"""The worker child: imports targets and answers list/doc/help/source requests.

Run by explorer.proc.client (see explorer.proc.launch for how it is started and
confined). Each op's request and reply are described in explorer.proc.messages;
a bad target is an error reply of type "UsageError" with a one-line message.

Whatever the explored modules print on import (print, os.write(1, ...),
warnings, C stdio) lands in a bounded capture buffer that the "output" op
returns; it never reaches the terminal or the protocol stream.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

from explorer import settings
from explorer.core.model import Doc, Listing, Source
from explorer.core.static import ReprGuard, set_repr_guard
from explorer.proc import launch
from explorer.proc.capture import OutputPump, RingBuffer, text_stream
from explorer.proc.messages import (
    DocRequest,
    HelpRequest,
    ListRequest,
    Op,
    OutputRequest,
    PingRequest,
    Pong,
    SourceRequest,
    Text,
    Warmed,
    WarmRequest,
)
from explorer.proc.protocol import (
    Channel,
    Emit,
    Handler,
    announce_ready,
    claim_protocol_fds,
    serve,
)

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


def handle_list(request: ListRequest, emit: Emit) -> Listing:
    from explorer.core import members

    return members.list_members(request.target, private=request.private, dunder=request.dunder)


def handle_doc(request: DocRequest, emit: Emit) -> Doc:
    from explorer.core import docs

    return docs.get_doc(request.target)


def handle_help(request: HelpRequest, emit: Emit) -> Text:
    from explorer.core import docs

    return Text(docs.help_text(request.target))


def handle_source(request: SourceRequest, emit: Emit) -> Source:
    from explorer.core import docs

    return docs.get_source(request.target)


def handle_warm(request: WarmRequest, emit: Emit) -> Warmed:
    """Import a module ahead of use (e.g. torch while the UI paints)."""
    from explorer.core.resolve import resolve

    started = time.perf_counter()
    resolve(request.module)  # validates the dotted name; nothing is evaluated
    return Warmed(request.module, round(time.perf_counter() - started, 3))


def handle_ping(request: PingRequest, emit: Emit) -> Pong:
    return Pong(os.getpid(), sys.version.split()[0])


def inspection_handlers() -> dict[Op, Handler]:
    """The look-don't-run ops, shared with the kernel."""
    return {
        Op.PING: handle_ping,
        Op.LIST: handle_list,
        Op.DOC: handle_doc,
        Op.HELP: handle_help,
        Op.SOURCE: handle_source,
        Op.WARM: handle_warm,
    }


def worker_handlers(capture: Capture) -> dict[Op, Handler]:
    def handle_output(request: OutputRequest, emit: Emit) -> Text:
        return Text(capture.text(clear=request.clear))

    return {**inspection_handlers(), Op.OUTPUT: handle_output}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=sys.argv[0])
    parser.add_argument("--memory-limit", type=int, default=None,
                        help="address-space cap in bytes (0: none)")  # fmt: skip
    return parser.parse_args(argv)


class _ReprOverran(Exception):
    pass


def alarm_guard(seconds: float) -> ReprGuard:
    """A repr that runs longer than `seconds` (a sleeping or looping `__repr__` of a default)
    is cut short with SIGALRM and shown as such, instead of stalling the whole request."""

    def on_alarm(signum: int, frame: object) -> None:
        raise _ReprOverran

    def guard(produce: Callable[[], str]) -> str:
        if threading.current_thread() is not threading.main_thread():
            return produce()
        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return produce()
        except _ReprOverran:
            return f"<repr took longer than {seconds:g} s>"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    return guard


def start_child(argv: list[str]) -> tuple[Channel, int, int]:
    """Confine this process, move the protocol off fds 0/1 and ignore SIGINT.

    Returns the channel, the parent's stderr (for crash reports) and the memory cap.
    """
    options = parse_args(argv)
    memory = launch.memory_limit() if options.memory_limit is None else options.memory_limit
    launch.confine_child(memory)
    channel = claim_protocol_fds()
    original_stderr = os.dup(2)
    # The client interrupts only the kernel; a stray SIGINT must not end a worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_repr_guard(alarm_guard(settings.REPR_TIME_LIMIT))
    return channel, original_stderr, memory


def main(argv: list[str] | None = None) -> None:
    channel, original_stderr, _ = start_child(sys.argv[1:] if argv is None else argv)
    capture = Capture()
    keep_crash_reports(original_stderr)
    announce_ready(channel)
    serve(channel, worker_handlers(capture))


if __name__ == "__main__":
    main()
