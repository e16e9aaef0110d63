"""The runner screen against a real kernel subprocess: runs, history, variables, graph, plots."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from textual.pilot import Pilot
from tui_helpers import doc_markdown, open_runner, wait_for

from explorer.proc.messages import ResetRequest
from explorer.tui.app import ExplorerApp, create_app
from explorer.tui.screens.runner import RunnerScreen
from explorer.tui.screens.variables import VariableScreen
from explorer.tui.services.kernel_session import KernelClient, kernel_client_factory
from explorer.tui.widgets.plot_view import PlotView
from explorer.tui.widgets.run_output import RunCard, RunOutput
from explorer.tui.widgets.variables import VariablesPanel

RUN_WAIT = 60.0  # the first run imports torch in the kernel
# One kernel for the module (it imports torch once), each test in a fresh namespace.
pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]


def runner(app: ExplorerApp) -> RunnerScreen:
    screen = app.screen
    assert isinstance(screen, RunnerScreen)
    return screen


async def run_code(pilot: Pilot, code: str | None = None) -> RunCard:
    """Type-free: put `code` in the editor (if given), press Ctrl+R, wait for the card."""
    screen = runner(pilot.app)  # type: ignore[arg-type]
    if code is not None:
        screen.editor.load_text(code)
    before = len(screen.query_one(RunOutput).cards)
    await pilot.press("ctrl+r")
    output = screen.query_one(RunOutput)
    await wait_for(pilot, lambda: len(output.cards) > before and output.cards[-1].result, RUN_WAIT)
    return output.cards[-1]


def variable_names(app: ExplorerApp) -> list[str]:
    return list(runner(app).query_one(VariablesPanel).variables)


class Borrowed:
    """The module's kernel, lent to one app: closing the app leaves it running."""

    def __init__(self, client: KernelClient) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    async def close(self, grace: float = 1.0) -> None:
        pass


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def kernel() -> AsyncIterator[KernelClient]:
    client = kernel_client_factory(None)
    await client.start()
    yield client
    await client.close(grace=0)


@pytest_asyncio.fixture(loop_scope="module")
async def app(kernel: KernelClient) -> ExplorerApp:
    await kernel.ask(ResetRequest())
    return create_app(None, run_timeout=20.0, kernel_factory=lambda _timeout: Borrowed(kernel))


async def test_snippet_runs_and_output_streams_into_history(app: ExplorerApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_runner(pilot, "autograd_basics")
        assert "x = torch.arange(4.0, requires_grad=True)" in screen.editor.text
        assert "Autograd basics" in str(screen.query_one("#snippet-title").render())
        card = await run_code(pilot)
        assert card.result is not None and card.result.status == "ok"
        assert "x.grad == 4 * x: tensor([True, True, True, True])" in card.output_text
        assert "ok" in str(card.query_one("#run-status").render())
        second = await run_code(pilot, "print('again')")
        assert [c.number for c in screen.query_one(RunOutput).cards] == [1, 2]
        assert second.output_text == "again"


async def test_variables_persist_between_runs(app: ExplorerApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await open_runner(pilot)
        await run_code(pilot, "a = 20\nb = [1, 2]")
        card = await run_code(pilot, "a + len(b)")
        assert card.result is not None and card.result.value_repr == "22"
        assert "Out[2]: 22" in str(card.query_one(".run-value").render())
        await wait_for(pilot, lambda: set(variable_names(app)) >= {"a", "b"})
        panel = runner(app).query_one(VariablesPanel)
        assert panel.variables["a"].type == "int"


async def test_reset_kernel_forgets_variables(app: ExplorerApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await open_runner(pilot)
        await run_code(pilot, "kept = 1")
        await wait_for(pilot, lambda: "kept" in variable_names(app))
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: "kept" not in variable_names(app))
        card = await run_code(pilot, "kept")
        assert card.result is not None and card.result.status == "error"
        assert "NameError" in card.result.exception


async def test_autograd_snippet_shows_grad_and_graph_tree(app: ExplorerApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await open_runner(pilot)
        await run_code(
            pilot,
            "x = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\ny.backward()\n",
        )
        await wait_for(pilot, lambda: {"x", "y"} <= set(variable_names(app)))
        panel = runner(app).query_one(VariablesPanel)
        x = panel.variables["x"].tensor
        assert x is not None and x.shape == (4,) and x.requires_grad and x.grad_shape == (4,)
        y = panel.variables["y"].tensor
        assert y is not None and y.grad_fn == "MulBackward0"
        table = panel.query_one("#variables-table")
        table.focus()
        table.move_cursor(row=list(panel.variables).index("y"))  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: panel.tree_labels)
        labels = panel.tree_labels
        assert labels[0].startswith("MulBackward0")
        assert any(label.startswith("DotBackward0") for label in labels)
        assert any(label.startswith("AccumulateGrad") and "x" in label for label in labels)


async def test_selecting_a_variable_asks_to_open_it(app: ExplorerApp) -> None:
    opened: dict[int, str] = {}  # the hook sees a message at every step it bubbles

    def hook(message: object) -> None:
        if isinstance(message, VariablesPanel.VariableOpenRequested):
            opened[id(message)] = message.name

    async with app.run_test(size=(120, 30), message_hook=hook) as pilot:
        await open_runner(pilot)
        await run_code(pilot, "w = torch.ones(2)")
        await wait_for(pilot, lambda: "w" in variable_names(app))
        runner(app).query_one("#variables-table").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: opened)
        assert list(opened.values()) == ["w"]


async def test_plot_events_draw_a_chart(app: ExplorerApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_runner(pilot)
        card = await run_code(
            pilot,
            "plot([1, 4, 9, 16], title='squares')\n"
            "plot({'a': [3, 1]}, x=['p', 'q'], kind='bar', title='bars')",
        )
        plots = list(card.query(PlotView))
        assert [p.plot.title for p in plots if p.plot] == ["squares", "bars"]
        assert plots[0].plot is not None and plots[0].plot.series[0].y == (1, 4, 9, 16)


async def test_a_variable_opens_on_its_value(app: ExplorerApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await open_runner(pilot)
        await run_code(pilot, "w = torch.ones(2)")
        await wait_for(pilot, lambda: "w" in variable_names(app))
        runner(app).query_one("#variables-table").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VariableScreen))
        await wait_for(pilot, lambda: "w = tensor([1., 1.])" in doc_markdown(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, RunnerScreen))
