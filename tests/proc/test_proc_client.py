"""The synchronous client the CLI uses, and the raw JSON-lines protocol itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.core.errors import UsageError
from explorer.proc import launch
from explorer.proc.client import WorkerClient, WorkerDied
from explorer.proc.messages import (
    DocRequest,
    Event,
    HelpRequest,
    ListRequest,
    Output,
    PingRequest,
    RunRequest,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


async def test_client_requests_and_survives_a_crash() -> None:
    async with WorkerClient("worker", extra_path=[str(FIXTURES)]) as client:
        help_text = await client.ask(HelpRequest("json"))
        assert help_text.text.startswith("Help on package json")
        with pytest.raises(WorkerDied, match=r"signal 11"):
            await client.ask(ListRequest("hostile.segfault_on_import"))
        assert (await client.ask(DocRequest("hostile.documented.add"))).name == "add"


async def test_kernel_runs_with_typed_events() -> None:
    events: list[Event] = []
    async with WorkerClient("kernel", timeout=5.0) as kernel:
        result = await kernel.run(RunRequest("print('hi')\n40 + 2", imports=()),
                                  on_event=events.append)  # fmt: skip
    assert result.value_repr == "42" and result.stdout == "hi\n"
    assert events == [Output("stdout", "hi\n")]


async def test_a_request_is_timed_from_when_a_slow_starting_worker_is_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A busy machine can take seconds to start a fresh worker (after a restart too); the
    request's limit measures the request, not the start-up."""

    def slow_start(module: str, *args: str) -> list[str]:
        return [sys.executable, "-I", "-c", "import time; time.sleep(2); " + launch.BOOTSTRAP,
                module, *args]  # fmt: skip

    monkeypatch.setattr(launch, "child_command", slow_start)
    async with WorkerClient("worker", timeout=1.0) as client:
        assert await client.ask(PingRequest()) is not None


def test_process_errors_are_usage_errors_for_the_cli() -> None:
    assert issubclass(WorkerDied, UsageError)
    with pytest.raises(ValueError, match="role"):
        WorkerClient("daemon")


def test_raw_protocol_over_pipes() -> None:
    """Any program can drive a worker: one JSON request per line, replies by id."""
    requests = [
        {"id": 1, "op": "ping", "args": {}},
        {"id": 2, "op": "list", "args": {"target": "hostile.prints_fd1_on_import"}},
        {"id": 3, "op": "help", "args": {"target": "not a target"}},
    ]
    completed = subprocess.run(
        [sys.executable, "-m", "explorer.proc.worker"],
        input="".join(json.dumps(r) + "\n" for r in requests),
        capture_output=True,
        text=True,
        timeout=30,
        env={"PYTHONPATH": str(FIXTURES), "PATH": ""},
    )
    ready, *replies = [json.loads(line) for line in completed.stdout.splitlines()]
    assert ready == {"id": 0, "ready": True}  # started: the parent's clocks may run
    assert [r["id"] for r in replies] == [1, 2, 3]  # the forged line printed on import is gone
    assert "still_usable" in [m["name"] for m in replies[1]["result"]["members"]]
    assert replies[2]["error"]["type"] == "UsageError"
    assert completed.stderr == ""
    assert completed.returncode == 0
