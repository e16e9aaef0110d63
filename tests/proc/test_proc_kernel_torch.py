"""The kernel with torch: memory cap, tensor variables, autograd graphs, plot events.

One kernel for the module, so torch is imported once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from explorer.core.model import GraphNode, Plot, PlotSeries, RunResult, TensorInfo, Variable
from explorer.proc.client import WorkerClient, WorkerError
from explorer.proc.messages import Event, GradGraphRequest, PlotEvent, RunRequest, VariablesRequest

pytestmark = pytest.mark.slow


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def kernel() -> AsyncIterator[WorkerClient]:
    async with WorkerClient("kernel", timeout=60.0, warm=["torch"]) as client:
        yield client


async def run(kernel: WorkerClient, code: str, **request: Any) -> RunResult:
    return await kernel.run(RunRequest(code, **request))


async def test_torch_is_imported_in_the_namespace(kernel: WorkerClient) -> None:
    result = await run(kernel, "torch.arange(3.0) * 2")
    assert result.status == "ok"
    assert result.value_repr == "tensor([0., 2., 4.])"


async def test_autograd_lesson_runs(kernel: WorkerClient) -> None:
    code = (
        "x = torch.arange(4.0, requires_grad=True)\n"
        "y = 2 * torch.dot(x, x)\n"
        "y.backward()\n"
        "x.grad == 4 * x"
    )
    assert (await run(kernel, code)).value_repr == "tensor([True, True, True, True])"


async def test_tensor_variables_are_described(kernel: WorkerClient) -> None:
    await run(
        kernel,
        "x = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\n"
        "y.backward()\nsquares = x * x\nlabel = 'hi'",
    )
    found = {v.name: v for v in (await kernel.ask(VariablesRequest())).items}
    assert found["x"].tensor == TensorInfo((4,), "float32", "cpu", True, True, (4,), None)
    assert found["y"].tensor is not None and found["y"].tensor.grad_fn == "MulBackward0"
    assert found["y"].tensor.shape == ()
    assert found["squares"].tensor is not None and found["squares"].tensor.grad_shape is None
    assert found["label"] == Variable("label", "str", "data", "'hi'")
    assert "torch" not in found


def _names(node: GraphNode) -> list[tuple[str, str | None]]:
    found = [(node.name, node.variable)]
    for child in node.children:
        found += _names(child)
    return found


async def test_grad_graph_is_a_tree_down_to_the_leaves(kernel: WorkerClient) -> None:
    await run(
        kernel,
        "a = torch.ones(3, requires_grad=True)\nb = torch.ones(3, requires_grad=True)\n"
        "c = a * b\nloss = (c + a).sum()\nlabel = 'hi'",  # (each test its own variables)
    )
    graph = await kernel.ask(GradGraphRequest("loss"))
    assert graph.root is not None
    assert graph.root.name == "SumBackward0" and graph.root.variable == "loss"
    names = _names(graph.root)
    assert ("MulBackward0", "c") in names
    assert ("AccumulateGrad", "a") in names and ("AccumulateGrad", "b") in names
    leaf = await kernel.ask(GradGraphRequest("a"))
    assert leaf.root is None and "leaf tensor" in leaf.note
    with pytest.raises(WorkerError, match="not a tensor"):
        await kernel.ask(GradGraphRequest("label"))


async def test_plot_helper_sends_the_data_as_an_event(kernel: WorkerClient) -> None:
    events: list[Event] = []
    result = await kernel.run(
        RunRequest(
            "plot(torch.tensor([1.0, 4.0, 9.0]), x=[1, 2, 3], kind='bar', "
            "title='squares', labels=['y'])"
        ),
        on_event=events.append,
    )
    assert result.status == "ok"
    (plot,) = [e.plot for e in events if isinstance(e, PlotEvent)]
    assert plot == Plot("bar", (1.0, 2.0, 3.0), (PlotSeries("y", (1.0, 4.0, 9.0)),), "squares")
    assert result.plots == (plot,)
    bad = await run(kernel, "plot(42)")
    assert bad.exception.startswith("TypeError: plot(): series 1 must be")


async def test_50_gb_tensor_is_a_memory_status(kernel: WorkerClient) -> None:
    result = await run(kernel, "big = torch.empty(50 * 2**30 // 4)")
    assert result.status == "memory"
    assert result.message == (
        "out of memory: the kernel's memory cap is 4 GiB; the code asked for 50 GiB at once"
    )
    assert (await run(kernel, "torch.ones(2).sum()")).value_repr == "tensor(2.)"


async def test_fresh_namespace_seeded_from_the_defining_module(kernel: WorkerClient) -> None:
    result = await run(
        kernel,
        "Multinomial.__name__, constraints.__name__",
        fresh=True,
        seed_module="torch.distributions.multinomial.Multinomial",
    )
    assert result.value_repr == "('Multinomial', 'torch.distributions.constraints')"


async def test_a_torch_example_gets_torch_ci_names_and_its_module_globals(
    kernel: WorkerClient,
) -> None:
    # conv1d is torch.conv1d (a C function) documented in torch.nn.functional: seeded there.
    code = "(F is torch.nn.functional, nn is torch.nn, np.__name__, 'has_torch_function' in dir())"
    result = await run(kernel, code, seed_module="torch.nn.functional.conv1d", fresh=True)
    assert result.value_repr == "(True, True, 'numpy', True)"
