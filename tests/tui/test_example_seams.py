"""Examples in the Doc tab announce Run/Edit as messages; a factory can replace their widget."""

from __future__ import annotations

from textual.widgets import Button, Static
from tui_helpers import example_blocks, explorer, is_loaded, wait_for

from explorer.tui.app import create_app
from explorer.tui.widgets.doc_view import ExampleEditRequested, ExampleRunRequested

SIZE = (100, 30)


async def test_run_and_edit_buttons_post_messages_when_runnable() -> None:
    app = create_app("tui_sample", timeout=20.0, runnable=True)
    seen: list[object] = []
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        block = example_blocks(app)[0]
        block.query_one("#run", Button).press()
        block.query_one("#edit", Button).press()
        await pilot.pause()
    unique = list({id(m): m for m in seen}.values())  # the hook sees each bubbling hop
    runs = [m for m in unique if isinstance(m, ExampleRunRequested)]
    edits = [m for m in unique if isinstance(m, ExampleEditRequested)]
    assert [(m.doc.qualname, m.index, m.example.source) for m in runs] == [
        ("tui_sample.Circle", 0, "Circle(2.0).area()")]
    assert len(edits) == 1 and edits[0].example.want == "12.566370614359172"


async def test_examples_have_no_buttons_without_a_kernel(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        assert not example_blocks(app)[0].query(Button)


async def test_an_example_factory_builds_each_example_widget() -> None:
    def factory(doc, index):
        return Static(f"custom {doc.qualname} #{index}", classes="custom-example")

    app = create_app("tui_sample", timeout=20.0, example_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        shown = [str(w.render()) for w in explorer(app).query(".custom-example")]
        assert shown == ["custom tui_sample.Circle #0"]
