"""The kernel with torch: memory cap, tensor variables, autograd graphs, plot events.

One kernel for the module (through SyncClient, which the CLI uses), so torch
is imported once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from explorer.proc.client import SyncClient, WorkerError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kernel() -> Iterator[SyncClient]:
    with SyncClient("kernel", timeout=60.0, warm=["torch"]) as client:
        yield client


def test_torch_is_imported_in_the_namespace(kernel: SyncClient) -> None:
    result = kernel.run("torch.arange(3.0) * 2")
    assert result["status"] == "ok"
    assert result["value_repr"] == "tensor([0., 2., 4.])"


def test_autograd_lesson_runs(kernel: SyncClient) -> None:
    code = (
        "x = torch.arange(4.0, requires_grad=True)\n"
        "y = 2 * torch.dot(x, x)\n"
        "y.backward()\n"
        "x.grad == 4 * x"
    )
    assert kernel.run(code)["value_repr"] == "tensor([True, True, True, True])"


def test_tensor_variables_are_described(kernel: SyncClient) -> None:
    kernel.run(
        "x = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\n"
        "y.backward()\nsquares = x * x\nlabel = 'hi'"
    )
    found = {v["name"]: v for v in kernel.request("variables")}
    assert found["x"]["tensor"] == {
        "shape": [4],
        "dtype": "float32",
        "device": "cpu",
        "requires_grad": True,
        "is_leaf": True,
        "grad_shape": [4],
        "grad_fn": None,
    }
    assert found["y"]["tensor"]["grad_fn"] == "MulBackward0"
    assert found["y"]["tensor"]["shape"] == []
    assert found["squares"]["tensor"]["grad_shape"] is None
    assert found["label"] == {
        "name": "label",
        "type": "str",
        "kind": "data",
        "repr": "'hi'",
        "tensor": None,
    }
    assert "torch" not in found


def _names(node: dict[str, Any]) -> list[tuple[str, str | None]]:
    found = [(node["name"], node["variable"])]
    for child in node["children"]:
        found += _names(child)
    return found


def test_grad_graph_is_a_tree_down_to_the_leaves(kernel: SyncClient) -> None:
    kernel.run(
        "a = torch.ones(3, requires_grad=True)\nb = torch.ones(3, requires_grad=True)\n"
        "c = a * b\nloss = (c + a).sum()"
    )
    graph = kernel.request("grad_graph", name="loss")
    assert graph["root"]["name"] == "SumBackward0" and graph["root"]["variable"] == "loss"
    names = _names(graph["root"])
    assert ("MulBackward0", "c") in names
    assert ("AccumulateGrad", "a") in names and ("AccumulateGrad", "b") in names
    leaf = kernel.request("grad_graph", name="a")
    assert leaf["root"] is None and "leaf tensor" in leaf["note"]
    with pytest.raises(WorkerError, match="not a tensor"):
        kernel.request("grad_graph", name="label")


def test_plot_helper_sends_the_data_as_an_event(kernel: SyncClient) -> None:
    events: list[dict[str, Any]] = []
    result = kernel.run(
        "plot(torch.tensor([1.0, 4.0, 9.0]), x=[1, 2, 3], kind='bar', "
        "title='squares', labels=['y'])",
        on_event=events.append,
    )
    assert result["status"] == "ok"
    (plot,) = [e for e in events if e["event"] == "plot"]
    assert plot["kind"] == "bar" and plot["title"] == "squares"
    assert plot["x"] == [1.0, 2.0, 3.0]
    assert plot["series"] == [{"label": "y", "y": [1.0, 4.0, 9.0]}]
    bad = kernel.run("plot(42)")
    assert bad["exception"].startswith("TypeError: plot(): series 1 must be")


def test_50_gb_tensor_is_a_memory_status(kernel: SyncClient) -> None:
    result = kernel.run("big = torch.empty(50 * 2**30 // 4)")
    assert result["status"] == "memory"
    assert result["message"] == (
        "out of memory: the kernel's memory cap is 4 GiB; the code asked for 50 GiB at once"
    )
    assert kernel.run("torch.ones(2).sum()")["value_repr"] == "tensor(2.)"


def test_fresh_namespace_seeded_from_the_defining_module(kernel: SyncClient) -> None:
    result = kernel.run(
        "Multinomial.__name__, constraints.__name__",
        fresh=True,
        seed_module="torch.distributions.multinomial.Multinomial",
    )
    assert result["value_repr"] == "('Multinomial', 'torch.distributions.constraints')"


def test_a_torch_example_gets_torch_ci_names_and_its_module_globals(kernel: SyncClient) -> None:
    # conv1d is torch.conv1d (a C function) documented in torch.nn.functional: seeded there.
    code = "(F is torch.nn.functional, nn is torch.nn, np.__name__, 'has_torch_function' in dir())"
    result = kernel.run(code, seed_module="torch.nn.functional.conv1d", fresh=True)
    assert result["value_repr"] == "(True, True, 'numpy', True)"
