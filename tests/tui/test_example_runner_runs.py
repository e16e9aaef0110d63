"""ExampleRunner as a newcomer uses it: run again and again, see what every run produced,
run the setup a directive skipped, and survive a session that raises (issues 8, 10, 13)."""

from __future__ import annotations

from typing import Any

from test_runner_examples import SEED, WAIT, ExamplesApp, calm, runner
from textual.app import App, ComposeResult
from tui_helpers import wait_for

from explorer.core.model import Example
from explorer.tui.services.kernel_session import KernelSession
from explorer.tui.widgets.example_runner import ExampleRunner, namespace_note
from explorer.tui.widgets.run_output import ExpectedGot, StatusBadge

SKIPPED_SETUP = """Set up first:

>>> x = 41  # doctest: +SKIP

Then use it:

>>> x + 1
42
"""


def message(widget: ExampleRunner) -> str:
    return str(widget.query_one(".example-message").render())


async def run_and_wait(pilot: Any, widget: ExampleRunner, keys: str = "r") -> None:
    widget.verdict = None
    widget.focus()
    await pilot.press(keys)
    await wait_for(pilot, lambda: widget.verdict is not None, WAIT)


async def test_running_an_example_five_times_keeps_the_app_alive() -> None:
    # Defect 2 of issue 8: the second run's verdict collided with the first one's widgets.
    app = ExamplesApp([calm("differs")], KernelSession(timeout=20.0))
    async with app.run_test(size=(100, 40)) as pilot:
        widget = runner(app, 0, 0)
        for _ in range(5):
            await run_and_wait(pilot, widget)
            assert widget.status == "differs"
            # A re-run replaces the previous verdict: one expected | got view, not five.
            assert len(widget.query(ExpectedGot)) == 1
        assert app.is_running


async def test_a_passing_example_shows_what_it_produced() -> None:
    app = ExamplesApp([calm("passes")], KernelSession(timeout=20.0), seed=f"{SEED}.passes")
    async with app.run_test(size=(100, 40)) as pilot:
        first, second = runner(app, 0, 0), runner(app, 0, 1)
        await run_and_wait(pilot, first)
        assert first.status == "passed"
        assert str(first.query_one(".example-got").render()) == "x is 6"
        await run_and_wait(pilot, second)
        assert second.status == "passed"
        assert str(second.query_one(".example-got").render()) == "[6, 6]"


async def test_run_from_example_1_runs_the_setup_a_directive_skipped() -> None:
    app = ExamplesApp([SKIPPED_SETUP], KernelSession(timeout=20.0))
    async with app.run_test(size=(100, 40)) as pilot:
        widget = runner(app, 0, 1)
        await run_and_wait(pilot, widget)
        assert widget.status == "error"
        assert "NameError" in message(widget)
        assert "Example 1 (+SKIP) did not run: R runs from Example 1" in message(widget)
        assert widget.query("#example-run-all")  # offered as a button too
        await run_and_wait(pilot, widget, "R")
        assert widget.status == "passed", message(widget)
        assert str(widget.query_one(".example-got").render()) == "42"


async def test_random_output_is_a_difference_apart() -> None:
    random_example = Example("import random\nrandom.random()", want="0.5")
    app = _single(random_example, KernelSession(timeout=20.0))
    async with app.run_test(size=(100, 30)) as pilot:
        widget = app.query_one(ExampleRunner)
        await run_and_wait(pilot, widget)
        assert widget.status == "differs"
        badge = widget.query_one(StatusBadge)
        assert str(badge.render()).startswith("differs (random output)")
        assert badge.has_class("-random")
        assert "random numbers (random())" in message(widget)


class _BrokenSession:
    """A kernel session that fails outside any run (a bug, a lost connection)."""

    async def run(self, code: str, **options: Any) -> Any:
        raise RuntimeError("boom")

    async def close(self, grace: float = 1.0) -> None:
        return None


async def test_a_session_that_raises_is_shown_in_the_widget_and_the_app_stays() -> None:
    app = _single(Example("1 + 1", want="2"), _BrokenSession())  # type: ignore[arg-type]
    async with app.run_test(size=(100, 30)) as pilot:
        widget = app.query_one(ExampleRunner)
        await run_and_wait(pilot, widget)
        assert widget.status == "error"
        assert message(widget) == "internal error: RuntimeError('boom')"
        assert app.is_running
        await run_and_wait(pilot, widget)  # and it can be asked again
        assert app.is_running


def test_the_panel_names_the_conventions_of_the_package() -> None:
    assert namespace_note("torch.nn.functional.conv1d") == (
        "module globals + torch, nn, F, np (torch's conventions)"
    )
    assert namespace_note("examples_pkg.calm") == ""
    assert namespace_note(None) == ""


def _single(example: Example, session: KernelSession) -> App[None]:
    class Single(App[None]):
        def compose(self) -> ComposeResult:
            yield ExampleRunner(example, session, seed_module=SEED)

        async def on_unmount(self) -> None:
            await session.close()

    return Single()
