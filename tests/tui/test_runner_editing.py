"""Editing in the runner (no kernel started): indentation, snippet buffers, narrow panels."""

from __future__ import annotations

from textual.widgets import OptionList, TextArea
from tui_helpers import open_runner

from explorer.tui.app import ExplorerApp, create_app
from explorer.tui.screens.runner import RunnerScreen
from explorer.tui.widgets.code_editor import next_indent


def runner(app: ExplorerApp) -> RunnerScreen:
    screen = app.screen
    assert isinstance(screen, RunnerScreen)
    return screen


def test_enter_indents_as_python_needs() -> None:
    assert next_indent("while True:") == "    "
    assert next_indent("    if x:  # a comment") == "        "
    assert next_indent("        x = 1") == "        "
    assert next_indent("        return x") == "    "
    assert next_indent("    pass") == ""
    assert next_indent("print('a:')") == ""


async def test_typing_a_loop_needs_no_manual_indent() -> None:
    app = create_app(None)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_runner(pilot)
        await pilot.press(*"while True:", "enter", *"pass", "enter", *"x = 1")
        assert screen.editor.text == "while True:\n    pass\nx = 1"


async def test_narrow_runner_shows_side_panels_on_demand() -> None:
    app = create_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_runner(pilot)
        snippets = screen.query_one("#snippet-list")
        assert not snippets.display or snippets.region.width == 0
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert snippets.region.width > 0 and snippets.has_focus
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert snippets.region.width == 0 and screen.editor.has_focus
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert screen.query_one("#variables").region.width > 0


async def test_switching_snippets_keeps_edits() -> None:
    app = create_app(None)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_runner(pilot)
        screen = runner(app)
        await pilot.press("a", "=", "1")
        assert screen.editor.text == "a=1"
        snippets = screen.query_one("#snippet-list", OptionList)
        snippets.highlighted = snippets.get_option_index("detach")
        await pilot.pause()
        assert "detach" in screen.editor.text
        snippets.highlighted = snippets.get_option_index("scratch")
        await pilot.pause()
        assert screen.query_one("#editor", TextArea).text == "a=1"
