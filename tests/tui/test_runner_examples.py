"""ExampleRunner against a real kernel: verdicts, expected | got side by side, +SKIP, Edit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from tui_helpers import wait_for

from explorer.core.examples import extract_examples
from explorer.core.model import Doc, Example
from explorer.tui.screens.runner import RunnerScreen, open_runner
from explorer.tui.services.kernel_session import KernelSession
from explorer.tui.widgets.doc_view import DocView
from explorer.tui.widgets.example_runner import (
    ExampleEditRequested,
    ExampleRunner,
    example_runner_factory,
)
from explorer.tui.widgets.run_output import ExpectedGot

SEED = "examples_pkg.calm"
CALM = Path(__file__).resolve().parents[1] / "fixtures" / "examples_pkg" / "calm.py"
WAIT = 60.0


def calm(name: str) -> str | None:
    """A docstring of the calm fixture, read from its source (the UI never imports it)."""
    tree = ast.parse(CALM.read_text(encoding="utf-8"))
    function = next(
        node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == name
    )
    return ast.get_docstring(function, clean=False)


class ExamplesApp(App[None]):
    """Runners for every example of some docstrings, as the Doc tab would mount them."""

    def __init__(
        self, docstrings: list[str | None], session: KernelSession, seed: str = SEED
    ) -> None:
        super().__init__()
        self.docstrings = docstrings
        self.seed = seed
        self.session = session
        self.edits: list[ExampleEditRequested] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            for block, docstring in enumerate(self.docstrings):
                examples = extract_examples(docstring)
                for index, example in enumerate(examples):
                    yield ExampleRunner(
                        example,
                        self.session,
                        seed_module=self.seed,
                        setup=examples[:index],
                        title=f"Example {index + 1}",
                        id=f"ex-{block}-{index}",
                    )

    def on_example_runner_edit_requested(self, message: ExampleEditRequested) -> None:
        self.edits.append(message)

    async def on_unmount(self) -> None:
        await self.session.close()


def runner(app: App[None], block: int, index: int) -> ExampleRunner:
    return app.query_one(f"#ex-{block}-{index}", ExampleRunner)


async def test_verdicts_and_expected_vs_got() -> None:
    # Seeded with a function's qualname (what Doc.qualname gives): the kernel seeds
    # from the module that defines it.
    app = ExamplesApp(
        [calm("passes"), calm("differs"), calm("raises")],
        KernelSession(timeout=20.0),
        seed=f"{SEED}.passes",
    )
    async with app.run_test(size=(100, 60)) as pilot:
        passes, differs, raises = runner(app, 0, 1), runner(app, 1, 0), runner(app, 2, 0)
        for widget in (passes, differs, raises):
            widget.focus()
            await pilot.press("r")
            await wait_for(pilot, lambda w=widget: w.verdict is not None, WAIT)
        # A later example sees the names its docstring's earlier examples made.
        assert passes.status == "passed", passes.verdict
        assert differs.status == "differs", differs.verdict
        side_by_side = differs.query_one(ExpectedGot)
        assert side_by_side.text == ("3", "2")
        assert "output differs" in str(differs.query_one(".example-message").render())
        assert raises.status == "error"
        assert "KeyError: 'missing'" in str(raises.query_one(".example-message").render())
        assert not raises.query(ExpectedGot)


async def test_skip_is_honoured_until_run_is_pressed() -> None:
    app = ExamplesApp([calm("skipped")], KernelSession(timeout=20.0))
    async with app.run_test(size=(100, 30)) as pilot:
        widget = runner(app, 0, 0)
        assert widget.status == "skipped"
        widget.run_example()  # a "run all": +SKIP stays skipped, nothing runs
        await pilot.pause()
        assert widget.status == "skipped" and widget.result is None
        await pilot.click("#ex-0-0 #example-run")  # the explicit ask
        await wait_for(pilot, lambda: widget.result is not None, WAIT)
        assert widget.status == "error"
        assert "RuntimeError: never runs" in str(widget.query_one(".example-message").render())


async def test_edit_posts_the_example_with_what_it_needs() -> None:
    app = ExamplesApp([calm("passes")], KernelSession(timeout=20.0))
    async with app.run_test(size=(100, 40)) as pilot:
        runner(app, 0, 1).focus()
        await pilot.press("e")
        await wait_for(pilot, lambda: app.edits)
        edit = app.edits[0]
        assert edit.source.strip() == "[x] * 2"
        assert edit.setup.strip() == 'x = SCALE * 2\nprint("x is", x)'
        assert edit.seed_module == SEED
        assert edit.code.splitlines()[-1] == "[x] * 2"


async def test_edited_example_runs_seeded_in_the_runner() -> None:
    """The app's wiring for Edit: RunnerScreen.load_code seeds the next run's namespace."""
    session = KernelSession(timeout=20.0)

    class EditApp(App[None]):
        """Wired as the app should be: one installed runner, code loaded, then shown."""

        def on_mount(self) -> None:
            open_runner(self, session, code="SCALE * 7", title="calm example", seed_module=SEED)

        async def on_unmount(self) -> None:
            await session.close()

    app = EditApp()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, RunnerScreen)
        assert screen.editor.text == "SCALE * 7"
        await pilot.press("ctrl+r")
        output = screen.query_one("#run-output")
        await wait_for(pilot, lambda: output.cards and output.cards[-1].result, WAIT)  # type: ignore[attr-defined]
        result = output.cards[-1].result  # type: ignore[attr-defined]
        assert result.status == "ok" and result.value_repr == "21"
        assert "seeded from examples_pkg.calm" in str(output.query_one(".run-note").render())
        # Escape leaves the editor (Tab indents there), a second one leaves the runner;
        # installed, the screen keeps its state for the next visit.
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is not screen
        assert open_runner(app, session) is screen
        await pilot.pause()
        assert app.screen is screen
        assert screen.editor.text == "SCALE * 7" and len(output.cards) == 1  # type: ignore[attr-defined]


@pytest.mark.slow  # imports torch
async def test_timeout_and_crash_verdicts() -> None:
    examples = [Example("while True:\n    pass"), Example("import os\nos._exit(5)")]
    session = KernelSession(timeout=2.0)

    class Two(App[None]):
        def compose(self) -> ComposeResult:
            for index, example in enumerate(examples):
                yield ExampleRunner(example, session, id=f"ex-0-{index}")

        async def on_unmount(self) -> None:
            await session.close()

    app = Two()
    async with app.run_test(size=(100, 30)) as pilot:
        await session.run("import torch", timeout=60.0)
        loop, crash = runner(app, 0, 0), runner(app, 0, 1)
        loop.run_example()
        await wait_for(pilot, lambda: loop.verdict is not None, 6.0)
        assert loop.status == "timeout"
        crash.run_example()
        await wait_for(pilot, lambda: crash.verdict is not None, 6.0)
        assert crash.status == "crashed"
        assert "exit code 5" in str(crash.query_one(".example-message").render())


async def test_doc_view_builds_runners_through_its_example_factory() -> None:
    """The wiring the app uses: DocView(example_factory=example_runner_factory(session))."""
    session = KernelSession(timeout=20.0)
    doc = Doc("passes", f"{SEED}.passes", "function", examples=extract_examples(calm("passes")))

    class DocApp(App[None]):
        def compose(self) -> ComposeResult:
            yield DocView(id="doc", example_factory=example_runner_factory(session))

        async def on_unmount(self) -> None:
            await session.close()

    app = DocApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await app.query_one(DocView).show(doc)
        runners = list(app.query(ExampleRunner))
        assert [r.title for r in runners] == ["Example 1", "Example 2"]
        assert runners[1].setup == doc.examples[:1]
        runners[1].focus()
        await pilot.press("r")
        await wait_for(pilot, lambda: runners[1].verdict is not None, WAIT)
        assert runners[1].status == "passed"
