"""The kernel subprocess: REPL semantics, streaming, and every way a run can go wrong.

Runs pass imports=[] unless they need torch, so a restart costs ~0.1 s, not
a torch import.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from explorer.core.model import RunResult
from explorer.proc.client import WorkerClient, WorkerError
from explorer.proc.messages import (
    DocRequest,
    Event,
    LimitsRequest,
    ListRequest,
    Output,
    OutputRequest,
    ResetRequest,
    RunRequest,
    Scope,
    VariablesRequest,
)


async def run(
    kernel: WorkerClient,
    code: str,
    *,
    timeout: float | None = None,
    on_event: Events | None = None,
    **request: Any,
) -> RunResult:
    """A run without torch in the namespace (unless `imports` says otherwise)."""
    request.setdefault("imports", ())
    options: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
    return await kernel.run(RunRequest(code, **request), on_event=on_event, **options)


async def variable_names(kernel: WorkerClient) -> list[str]:
    return [v.name for v in (await kernel.ask(VariablesRequest())).items]


class Events(list[tuple[Event, float]]):
    """Collects streamed events with the time each arrived."""

    def __call__(self, event: Event) -> None:
        self.append((event, time.monotonic()))

    def text(self, stream: str = "stdout") -> str:
        return "".join(e.text for e, _ in self if isinstance(e, Output) and e.stream == stream)


async def test_last_expression_value_is_shown_like_a_repl(kernel: WorkerClient) -> None:
    assert (await run(kernel, "1 + 1")).value_repr == "2"
    assert (await run(kernel, "x = 5")).value_repr is None
    assert (await run(kernel, "'a' * 3")).value_repr == "'aaa'"
    assert (await run(kernel, "None")).value_repr is None


async def test_multi_statement_code_and_persistent_variables(kernel: WorkerClient) -> None:
    result = await run(kernel, "a = 2\nb = a * 10\ndef f(n):\n    return n + b\nf(1)")
    assert result.status == "ok" and result.value_repr == "21"
    assert (await run(kernel, "f(a)")).value_repr == "22"
    names = await variable_names(kernel)
    assert names == ["a", "b", "f"]
    fresh = await run(kernel, "'a' in globals()", fresh=True)
    assert fresh.value_repr == "False"


async def test_compound_last_statement_echoes_like_the_prompt(kernel: WorkerClient) -> None:
    events = Events()
    result = await run(kernel, "for i in range(3):\n    i * 10", on_event=events)
    assert events.text() == "0\n10\n20\n"
    assert result.value_repr is None


async def test_output_streams_in_order_before_the_result(kernel: WorkerClient) -> None:
    events = Events()
    code = (
        "import os, sys, time\n"
        "print('one')\n"
        "os.write(1, b'two (fd 1)\\n')\n"
        "print('three')\n"
        "print('oops', file=sys.stderr)\n"
        "time.sleep(0.8)\n"
        "print('four')\n"
    )
    result = await run(kernel, code, on_event=events)
    finished = time.monotonic()
    assert result.status == "ok"
    assert events.text() == "one\ntwo (fd 1)\nthree\nfour\n"
    assert events.text("stderr") == "oops\n"
    first = next(at for e, at in events if isinstance(e, Output) and "one" in e.text)
    assert finished - first > 0.5  # streamed while the code still ran


async def test_error_has_a_traceback_of_the_users_frames_only(kernel: WorkerClient) -> None:
    result = await run(kernel, "def f():\n    return 1 / 0\n\nf()")
    assert result.status == "error"
    assert result.exception == "ZeroDivisionError: division by zero"
    assert result.traceback.startswith('Traceback (most recent call last):\n  File "<snippet')
    assert "line 2, in f\n    return 1 / 0" in result.traceback
    assert "explorer" not in result.traceback


async def test_syntax_error_is_an_error_result(kernel: WorkerClient) -> None:
    result = await run(kernel, "def broken(:\n    pass")
    assert result.status == "error"
    assert result.exception_type == "SyntaxError"
    assert "explorer" not in result.traceback


async def test_input_gets_eof_at_once(kernel: WorkerClient) -> None:
    started = time.monotonic()
    result = await run(kernel, "input('name? ')")
    assert result.exception == "EOFError: EOF when reading a line"
    assert time.monotonic() - started < 2


async def test_infinite_loop_times_out_then_the_kernel_keeps_its_state(
    kernel: WorkerClient,
) -> None:
    await run(kernel, "kept = 'still here'")
    started = time.monotonic()
    result = await run(kernel, "while True:\n    pass", timeout=1.0)
    assert time.monotonic() - started < 1.0 + 2
    assert result.status == "timeout"
    assert result.message == "timed out after 1 s (interrupted)"
    assert "KeyboardInterrupt" in result.traceback and "explorer" not in result.traceback
    assert (await run(kernel, "kept")).value_repr == "'still here'"


async def test_loop_that_ignores_sigint_is_killed_and_replaced(kernel: WorkerClient) -> None:
    pid = kernel.pid
    code = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    started = time.monotonic()
    result = await run(kernel, code, timeout=1.0)
    assert time.monotonic() - started < 1.0 + 2
    assert result.status == "timeout"
    assert "kernel killed and restarted" in result.message
    assert (await run(kernel, "6 * 7")).value_repr == "42"
    assert kernel.pid != pid


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("import os\nos._exit(3)", "kernel exited (exit code 3) — restarted"),
        (
            "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)",
            "kernel died (signal 11 SIGSEGV) — restarted",
        ),
        ("import ctypes\nctypes.string_at(0)", "kernel died (signal 11 SIGSEGV) — restarted"),
    ],
)
async def test_crash_is_reported_and_the_next_run_works(
    kernel: WorkerClient, code: str, message: str
) -> None:
    result = await run(kernel, code)
    assert (result.status, result.message, result.value_repr) == ("crashed", message, None)
    assert (await run(kernel, "1 + 2")).value_repr == "3"


async def test_20_mb_of_output_is_truncated_with_a_note(kernel: WorkerClient) -> None:
    events = Events()
    started = time.monotonic()
    result = await run(kernel, "print('x' * (20 * 2**20))\n'done'", timeout=5.0, on_event=events)
    assert time.monotonic() - started < 5.0 + 2
    assert result.status == "ok" and result.truncated is True
    assert result.value_repr == "'done'"
    assert len(events.text()) == 1_000_000
    notes = [e for e, _ in events if isinstance(e, Output) and e.truncated]
    assert len(notes) == 1 and "output truncated" in notes[0].text
    assert len(events) < 100  # coalesced, never a flood of tiny events


async def test_50_gb_allocation_is_a_memory_status(kernel: WorkerClient) -> None:
    result = await run(kernel, "block = bytearray(50 * 2**30)")
    assert result.status == "memory"
    assert result.message == "out of memory: the kernel's memory cap is 4 GiB"
    assert (await run(kernel, "len(bytearray(10 * 2**20))")).value_repr == "10485760"


async def test_interrupt_key_stops_a_run(kernel: WorkerClient) -> None:
    running = asyncio.create_task(run(kernel, "import time\ntime.sleep(30)"))
    await asyncio.sleep(0.5)
    kernel.interrupt()
    result = await asyncio.wait_for(running, 5)
    assert result.status == "interrupted"
    assert result.exception == "KeyboardInterrupt"


async def test_cancelled_run_is_interrupted_and_the_stream_stays_in_step(
    kernel: WorkerClient,
) -> None:
    running = asyncio.create_task(run(kernel, "import time\ntime.sleep(30)\n'late'"))
    await asyncio.sleep(0.5)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    started = time.monotonic()
    assert (await run(kernel, "'next'")).value_repr == "'next'"
    assert time.monotonic() - started < 2


async def test_seed_module_globals_like_doctest(kernel: WorkerClient) -> None:
    result = await run(kernel, "dumps({'a': 1}), __name__", seed_module="json.dumps")
    assert result.value_repr == "('{\"a\": 1}', 'json')"
    names = await variable_names(kernel)
    assert names == []  # the seed's own globals are not the user's variables
    await kernel.ask(ResetRequest(imports=()))
    missing = await run(kernel, "dumps")
    assert missing.exception == "NameError: name 'dumps' is not defined"


async def test_bad_seed_is_an_error_result(kernel: WorkerClient) -> None:
    result = await run(kernel, "1", seed_module="no_such_module_here")
    assert result.status == "error"
    assert result.exception == "TargetError: no module named 'no_such_module_here'"


async def test_output_from_background_threads_is_kept_for_later(kernel: WorkerClient) -> None:
    code = (
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('late'))).start()"
    )
    await run(kernel, code)
    await asyncio.sleep(0.6)
    assert "late" in (await kernel.ask(OutputRequest())).text


async def test_session_variables_can_be_inspected(kernel: WorkerClient) -> None:
    await run(kernel, "class Foo:\n    '''A foo.'''\n    def bar(self):\n        'Bar it.'\n")
    listing = await kernel.ask(ListRequest("Foo", scope=Scope.SESSION))
    assert [(m.name, m.qualname) for m in listing.members] == [("bar", "Foo.bar")]
    doc = await kernel.ask(DocRequest("Foo.bar", scope=Scope.SESSION))
    assert doc.summary == "Bar it."
    with pytest.raises(WorkerError, match="the kernel has no variable 'nope'"):
        await kernel.ask(DocRequest("nope", scope=Scope.SESSION))


async def test_a_run_cannot_disable_the_interrupt_for_later_runs(kernel: WorkerClient) -> None:
    await run(kernel, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)")
    pid = kernel.pid
    result = await run(kernel, "while True:\n    pass", timeout=1.0)
    assert result.status == "timeout" and kernel.pid == pid


async def test_limits_report_the_caps_and_the_address_space(kernel: WorkerClient) -> None:
    limits = await kernel.ask(LimitsRequest())
    assert limits.memory == 4 * 2**30 and limits.output == 1_000_000
    assert 0 < limits.vmsize < limits.memory


async def test_memory_cap_is_configurable() -> None:
    async with WorkerClient("kernel", memory_limit=2 * 2**30) as small:
        result = await run(small, "block = bytearray(3 * 2**30)")
        assert result.message == "out of memory: the kernel's memory cap is 2 GiB"


async def test_the_run_clock_starts_after_seeding(kernel: WorkerClient) -> None:
    """A slow seed import (torch on a busy machine) does not eat the run's timeout."""
    result = await run(kernel, "VALUE", timeout=0.5, fresh=True, seed_module="hostile.slow_import")
    assert result.status == "ok" and result.value_repr == "42"


async def test_a_hanging_seed_import_times_out_and_the_kernel_recovers() -> None:
    async with WorkerClient("kernel", seed_timeout=1.0) as kernel:
        started = time.monotonic()
        result = await run(kernel, "1", timeout=0.5, seed_module="hostile.hang_on_import")
        assert time.monotonic() - started < 1.0 + 2
        assert result.status == "timeout"
        assert result.message == "seeding the namespace timed out after 1 s (interrupted)"
        assert (await run(kernel, "2 + 2", fresh=True)).value_repr == "4"
