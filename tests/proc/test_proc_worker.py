"""The worker subprocess: answers, timeouts, crashes and module output, for real."""

from __future__ import annotations

import asyncio
import time

import pytest

from explorer.core.errors import UsageError
from explorer.proc.client import WorkerClient, WorkerDied, WorkerError, WorkerTimeout
from explorer.proc.messages import (
    DocRequest,
    HelpRequest,
    ListRequest,
    OutputRequest,
    PingRequest,
    RunRequest,
    SourceRequest,
    WarmRequest,
)


async def test_ping_answers_from_another_process(worker: WorkerClient) -> None:
    import os

    reply = await worker.ask(PingRequest())
    assert reply.pid == worker.pid != os.getpid()


async def test_list_doc_help_source_of_json(worker: WorkerClient) -> None:
    listing = await worker.ask(ListRequest("json"))
    names = {member.name: member for member in listing.members}
    assert listing.target == "json"
    assert names["dumps"].kind == "function"
    assert "JSONDecoder" in names

    doc = await worker.ask(DocRequest("json.dumps"))
    assert doc.kind == "function"
    assert doc.signature.startswith("(obj, *, skipkeys=False")

    text = (await worker.ask(HelpRequest("json.dumps"))).text
    assert text.startswith("Help on function dumps in module json:")

    source = await worker.ask(SourceRequest("json.dumps"))
    assert source.file.endswith("json/__init__.py")
    assert source.text.startswith("def dumps(")


async def test_fixture_module_answers(worker: WorkerClient) -> None:
    listing = await worker.ask(ListRequest("hostile.documented"))
    assert [m.name for m in listing.members] == ["Greeter", "add"]
    private = await worker.ask(ListRequest("hostile.documented", private=True))
    assert "_private_helper" in [m.name for m in private.members]

    doc = await worker.ask(DocRequest("hostile.documented.add"))
    assert doc.summary.startswith("Add two numbers")
    assert [p.name for p in doc.params] == ["a", "b"]
    assert doc.examples[0].want.strip() == "3"

    greeter = await worker.ask(ListRequest("hostile.documented.Greeter"))
    assert {"greet", "shout"} <= {m.name for m in greeter.members}  # property not run


async def test_reply_larger_than_a_pipe_buffer(worker: WorkerClient) -> None:
    text = (await worker.ask(HelpRequest("typing"))).text
    assert len(text) > 65_536  # more than asyncio's default line limit
    assert (await worker.ask(PingRequest())).pid == worker.pid


async def test_bad_target_is_a_one_line_usage_error(worker: WorkerClient) -> None:
    with pytest.raises(WorkerError) as caught:
        await worker.ask(DocRequest("no_such_module_anywhere.x"))
    assert caught.value.type == "UsageError"
    assert isinstance(caught.value, UsageError)
    assert str(caught.value) == "no module named 'no_such_module_anywhere'"

    with pytest.raises(WorkerError, match="not a dotted Python name"):
        await worker.ask(ListRequest("os.system('true')"))


async def test_hanging_import_times_out_and_the_next_request_works(
    worker: WorkerClient,
) -> None:
    first_pid = worker.pid
    started = time.monotonic()
    with pytest.raises(WorkerTimeout, match=r"list hostile.hang_on_import timed out after 1.5 s"):
        await worker.ask(ListRequest("hostile.hang_on_import"), timeout=1.5)
    assert time.monotonic() - started < 1.5 + 2
    listing = await worker.ask(ListRequest("json"))
    assert listing.target == "json"
    assert worker.pid != first_pid


async def test_segfault_on_import_is_reported_and_the_worker_restarted(
    worker: WorkerClient,
) -> None:
    with pytest.raises(WorkerDied) as caught:
        await worker.ask(ListRequest("hostile.segfault_on_import"))
    assert str(caught.value) == "worker died (signal 11 SIGSEGV) — restarted"
    assert "Fatal Python error: Segmentation fault" in caught.value.stderr
    assert (await worker.ask(HelpRequest("json"))).text.startswith("Help on package json")


async def test_os_exit_on_import_is_reported(worker: WorkerClient) -> None:
    with pytest.raises(WorkerDied, match=r"worker exited \(exit code 7\) — restarted"):
        await worker.ask(DocRequest("hostile.os_exit_on_import"))
    assert (await worker.ask(PingRequest())).pid == worker.pid


async def test_sys_exit_on_import_is_an_error_reply_not_a_death(worker: WorkerClient) -> None:
    pid = worker.pid
    with pytest.raises(WorkerError, match=r"importing hostile.exit_on_import called sys.exit\(3\)"):
        await worker.ask(ListRequest("hostile.exit_on_import"))
    assert (await worker.ask(PingRequest())).pid == pid


async def test_output_on_import_stays_off_the_protocol(worker: WorkerClient) -> None:
    listing = await worker.ask(ListRequest("hostile.prints_fd1_on_import"))
    assert "still_usable" in [m.name for m in listing.members]
    output = (await worker.ask(OutputRequest())).text
    for line in (
        "print() to sys.stdout on import",
        "print() to sys.stderr on import",
        "os.write to fd 1 on import",
        "os.write to fd 2 on import",
        "C printf on import",
        "UserWarning: a warning raised on import",
        '{"id": 1, "result": "forged"}',
    ):
        assert line in output
    assert (await worker.ask(OutputRequest(clear=True))).text == output
    assert (await worker.ask(OutputRequest())).text == ""


async def test_cancelled_request_does_not_desynchronise_the_stream(
    worker: WorkerClient,
) -> None:
    slow = asyncio.create_task(worker.ask(WarmRequest("hostile.slow_import")))
    await asyncio.sleep(0.3)
    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow
    # The late reply to the cancelled warm must not be taken for this answer.
    assert (await worker.ask(HelpRequest("json"))).text.startswith("Help on package json")
    assert (await worker.ask(PingRequest())).pid == worker.pid


async def test_an_op_this_process_does_not_answer_is_an_error_reply(
    worker: WorkerClient,
) -> None:
    with pytest.raises(WorkerError, match="does not answer 'run'"):
        await worker.ask(RunRequest("1"))
    assert (await worker.ask(PingRequest())).pid == worker.pid


async def test_warm_in_the_background_then_requests_queue_behind_it() -> None:
    async with WorkerClient("worker", warm=["hostile.slow_import"]) as client:
        started = time.monotonic()
        reply = await client.ask(ListRequest("hostile.slow_import", private=True))
        assert "VALUE" in [m.name for m in reply.members]
        assert time.monotonic() - started < 5


async def test_closed_client_refuses_requests() -> None:
    client = WorkerClient("worker")
    await client.start()
    pid = client.pid
    await client.close()
    assert client.pid is None and pid is not None
    with pytest.raises(UsageError, match="closed"):
        await client.ask(PingRequest())
