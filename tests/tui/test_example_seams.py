"""Examples in the app's Doc tab run on the app's kernel; Edit opens them in the runner."""

from __future__ import annotations

from textual.widgets import Button, Static
from tui_helpers import explorer, is_loaded, wait_for

from explorer.tui.app import create_app
from explorer.tui.screens.runner import RunnerScreen
from explorer.tui.widgets.example_runner import ExampleRunner

SIZE = (100, 30)


async def test_app_examples_run_and_edit_opens_the_runner(make_app) -> None:
    app = make_app("tui_sample.Circle")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))
        [runner] = explorer(app).query(ExampleRunner)
        assert runner.query(Button)
        runner.run_example(explicit=True)
        await wait_for(pilot, lambda: runner.status == "passed", timeout=60)
        runner.action_edit()
        await wait_for(pilot, lambda: isinstance(app.screen, RunnerScreen))
        assert "Circle(2.0).area()" in app.screen.editor.text


async def test_an_example_factory_builds_each_example_widget() -> None:
    def factory(doc, index):
        return Static(f"custom {doc.qualname} #{index}", classes="custom-example")

    app = create_app("tui_sample.Circle", timeout=20.0, example_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))
        shown = [str(w.render()) for w in explorer(app).query(".custom-example")]
        assert shown == ["custom tui_sample.Circle #0"]
