"""The home screen, recent targets, the go-to prompt and the UI process's imports."""

from __future__ import annotations

import subprocess
import sys

from textual.widgets import Input, OptionList
from tui_helpers import breadcrumb, is_loaded, wait_for

from explorer.tui.screens.home import HomeScreen
from explorer.tui.services.recent import RecentTargets

SIZE = (100, 30)


def home_choices(app) -> list[str]:
    options = app.screen.query_one("#home-choices", OptionList).options
    return [option.id.split(":", 1)[1] for option in options if option.id]


async def test_home_offers_suggestions_and_opens_a_typed_target(make_app) -> None:
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert home_choices(app) == ["torch.distributions", "torch.autograd", "torch", "builtins"]
        for key in "tui_sample":
            await pilot.press(key)
        await pilot.press("enter")
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        assert breadcrumb(app) == "tui_sample"
        await pilot.press("backspace")  # nothing earlier: back to the home screen
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert home_choices(app)[0] == "tui_sample"
    assert RecentTargets().load() == ["tui_sample"]


async def test_picking_a_recent_target_opens_it(make_app) -> None:
    RecentTargets().add("tui_sample.shapes")
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        choices = app.screen.query_one("#home-choices", OptionList)
        choices.focus()
        choices.highlighted = 1  # first entry under the "Recent" heading
        await pilot.press("enter")
        await wait_for(pilot, is_loaded(app, "tui_sample.shapes"))


async def test_go_to_prompt_opens_any_target(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await pilot.press("g")
        await pilot.pause()
        app.screen.query_one("#prompt-input", Input).value = "tui_sample.shapes"
        await pilot.press("enter")
        await wait_for(pilot, is_loaded(app, "tui_sample.shapes"))


def test_the_ui_process_imports_neither_torch_nor_the_target() -> None:
    code = (
        "import sys\n"
        "from explorer.tui.app import create_app\n"
        "app = create_app('torch.distributions')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'torch'\n"
        "       or m in ('explorer.core.members', 'explorer.core.docs', 'explorer.core.resolve')]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_down_from_the_input_walks_the_suggestions(make_app) -> None:
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down")
        choices = app.screen.query_one("#home-choices", OptionList)
        assert choices.has_focus
        assert choices.highlighted_option.id == "suggest:torch.distributions"
