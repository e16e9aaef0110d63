"""The kernel's side of --run-examples: namespaces seeded by the conventions table,
collection that imports submodules and survives their failures, no torch for others."""

from __future__ import annotations

from typing import Any

import pytest

from explorer import settings
from explorer.core import conventions as table
from explorer.core.conventions import conventions, describe_conventions
from explorer.proc.client import WorkerClient, WorkerError
from explorer.proc.messages import Collected, CollectRequest, Event, Importing, RunRequest, Walking
from explorer.proc.namespace import Namespace

# ---- the conventions table --------------------------------------------------------------


def test_the_table_gives_torch_its_ci_names_and_nothing_to_other_packages() -> None:
    torch_names = dict(settings.EXAMPLE_CONVENTIONS["torch"])
    assert torch_names == {
        "torch": "torch",
        "nn": "torch.nn",
        "F": "torch.nn.functional",
        "np": "numpy",
    }
    assert conventions("json") == () and conventions("statistics.mean") == ()
    assert describe_conventions((("torch", "torch"), ("F", "torch.nn.functional"))) == (
        "torch, F = torch.nn.functional"
    )


def test_conventions_bind_only_names_the_module_lacks(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {"exposed_pkg": (("J", "json"), ("helper", "json"), ("gone", "no_such_pkg_xyz"))}
    monkeypatch.setattr(settings, "EXAMPLE_CONVENTIONS", table)
    seeded = Namespace("exposed_pkg.helper").globals  # seeded from exposed_pkg._impl
    import json

    assert seeded["J"] is json
    assert seeded["helper"].__module__ == "exposed_pkg._impl"  # its own name wins
    assert "gone" not in seeded  # not installed: left out


def test_setup_code_replaces_the_conventions_and_runs_last() -> None:
    seeded = Namespace("exposed_pkg", imports=(), setup="import json as J\nN = helper()").globals
    assert seeded["N"] == 1 and seeded["J"].__name__ == "json"
    assert "torch" not in seeded


def test_a_namespace_without_a_module_gets_the_seed_imports() -> None:
    # The runner and the snippets: torch, where it is installed (it is, for these tests).
    assert table.conventions(None) == (("torch", "torch"),)


# ---- collection in a real kernel ----------------------------------------------------------


async def collect(kernel: WorkerClient, target: str, **args: Any) -> tuple[Collected, list[Event]]:
    events: list[Event] = []
    request = CollectRequest(target, **args)
    return await kernel.ask(request, timeout=60.0, on_event=events.append), events


async def test_failing_submodule_imports_are_noted_and_skipped(kernel: WorkerClient) -> None:
    # The two that kill the process are the client's to skip (explorer.proc.batch).
    skip = ("hostile.os_exit_on_import", "hostile.segfault_on_import")
    reply, events = await collect(kernel, "hostile", skip=skip, import_timeout=1.5)
    why = {failure.module: failure.why for failure in reply.import_failures}
    assert why == {
        "hostile.exit_on_import": "called sys.exit(3)",
        "hostile.hang_on_import": "took longer than 1.5 s",
    }
    assert "hostile.documented" in reply.imported
    assert "hostile.documented.add" in {block.qualname for block in reply.blocks}
    announced = [event.module for event in events if isinstance(event, Importing)]
    assert "hostile.hang_on_import" in announced and not set(skip) & set(announced)
    assert isinstance(events[-1], Walking)
    alive = await kernel.run(RunRequest("1 + 1", imports=()))
    assert alive.value_repr == "2"


async def test_a_target_that_overruns_its_import_limit_is_one_line(kernel: WorkerClient) -> None:
    with pytest.raises(WorkerError) as caught:
        await collect(kernel, "hostile.slow_import", target_timeout=0.2, limit_hint="say how")
    assert caught.value.type == "UsageError"
    assert caught.value.message == "importing hostile.slow_import took longer than 0.2 s (say how)"


async def test_a_non_torch_target_never_imports_torch_in_the_kernel(kernel: WorkerClient) -> None:
    reply, _ = await collect(kernel, "json")
    assert reply.blocks[0].qualname == "json"
    code = "import sys\nJSONDecoder.__name__"
    run = await kernel.run(RunRequest(code, seed_module="json", fresh=True))
    assert run.value_repr == "'JSONDecoder'"  # seeded from json's globals
    loaded = await kernel.run(RunRequest("sorted(m for m in sys.modules if 'torch' in m)"))
    assert loaded.value_repr == "[]"
