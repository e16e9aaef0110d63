"""Hostile code in the runner: each run ends with its own clear status within timeout + 2 s,
the next run works, and the UI keeps handling keys while the kernel is busy."""

from __future__ import annotations

import asyncio

import pytest
from textual.pilot import Pilot
from tui_helpers import open_runner, wait_for

from explorer.tui.app import ExplorerApp, create_app
from explorer.tui.screens.runner import RunnerScreen
from explorer.tui.widgets.run_output import RunCard, RunOutput

pytestmark = pytest.mark.slow  # the kernel imports torch

TIMEOUT = 3.0  # the kernel's per-run timeout in these tests
GRACE = 2.0  # what the acceptance allows on top of the timeout

HOSTILE = [
    # (code, expected status, words the card must show)
    ("while True:\n    pass\n", "timeout", "timed out after 3 s"),
    ("import ctypes\nctypes.string_at(0)\n", "crashed", "kernel died (signal 11"),
    ("import os\nos._exit(3)\n", "crashed", "exit code 3"),
    ("print('x' * 20_000_000)\n", "ok", "more characters"),
    ("input('name? ')\n", "error", "EOFError"),
    ("import torch\nbig = torch.empty(50 * 2**30, dtype=torch.uint8)\n", "memory", "out of memory"),
]


def runner(app: ExplorerApp) -> RunnerScreen:
    screen = app.screen
    assert isinstance(screen, RunnerScreen)
    return screen


def card_text(card: RunCard) -> str:
    parts = [card.output_text, str(card.query_one(".run-traceback").render())]
    return "\n".join(parts)


async def start(pilot: Pilot, code: str) -> RunOutput:
    screen = runner(pilot.app)  # type: ignore[arg-type]
    screen.editor.load_text(code)
    await pilot.press("ctrl+r")
    return screen.query_one(RunOutput)


async def finished(pilot: Pilot, output: RunOutput, count: int, within: float) -> RunCard:
    await wait_for(pilot, lambda: len(output.cards) >= count and output.cards[-1].result, within)
    return output.cards[-1]


@pytest.fixture
def app() -> ExplorerApp:
    """The app as `explore --timeout 3` builds it."""
    return create_app(None, run_timeout=TIMEOUT)


async def test_hostile_runs_end_clearly_and_the_next_run_works(app: ExplorerApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await open_runner(pilot)
        session = app.kernel
        await session.run("import torch", timeout=60.0)  # warm: keep torch out of the timing
        count = 0
        loop = asyncio.get_running_loop()
        for code, status, words in HOSTILE:
            output = await start(pilot, code)
            began = loop.time()  # the run is asked for (loading the editor is not timed)
            count += 1
            card = await finished(pilot, output, count, TIMEOUT + GRACE)
            took = loop.time() - began
            assert card.result is not None
            assert card.result.status == status, (code, card.result)
            assert words in card_text(card), (code, card_text(card)[:500])
            assert status in str(card.query_one("#run-status").render())
            assert took <= TIMEOUT + GRACE, (code, took)
            # The next run works (after a crash: in the restarted kernel, given time to
            # import torch again).
            output = await start(pilot, "print(6 * 7)")
            count += 1
            after = await finished(pilot, output, count, 60.0)
            assert after.result is not None and after.result.status == "ok", (code, after.result)
            assert after.output_text == "42"


async def test_keys_are_handled_while_an_infinite_loop_runs_and_ctrl_c_stops_it() -> None:
    app = create_app(None)  # no --timeout: the loop runs until the user interrupts it
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_runner(pilot)
        await app.kernel.run("pass", timeout=60.0)
        output = await start(pilot, "while True:\n    pass\n")
        await wait_for(pilot, lambda: screen.busy, 5.0)
        assert "Ctrl+C interrupts" in str(screen.editor.border_subtitle)
        screen.editor.move_cursor((2, 0))
        await pilot.press("#", " ", "o", "k")
        assert screen.editor.text.endswith("# ok")
        assert screen.busy  # still looping: the keys did not wait for the kernel
        await pilot.press("ctrl+c")  # as in Python: KeyboardInterrupt, not "quit?"
        card = await finished(pilot, output, 1, 2.0)
        assert card.result is not None and card.result.status == "interrupted"
        assert "KeyboardInterrupt" in card_text(card)
        assert app.is_running and not screen.busy
        output = await start(pilot, "print('after')")
        card = await finished(pilot, output, 2, 10.0)
        assert card.output_text == "after"


async def test_a_timeout_from_the_command_line_says_where_it_comes_from(app: ExplorerApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await open_runner(pilot)
        await app.kernel.run("pass", timeout=60.0)
        output = await start(pilot, "import time\ntime.sleep(30)\n")
        card = await finished(pilot, output, 1, TIMEOUT + GRACE)
        assert card.result is not None and card.result.status == "timeout"
        assert "--timeout" in card_text(card)
