"""One worker-error policy: whatever a backend raises, each screen says so and the app lives.

Each test makes the backend of one screen raise (a BackendError the user should
read, or a bug) and checks the message and that the app still takes keys. An
unhandled exception outside workers ends the app with exit status 1.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from textual.widgets import Input
from tui_helpers import doc_markdown, explorer, is_loaded, listed, open_runner, status, wait_for

from explorer.core.model import Variable
from explorer.tui.screens.home import HomeScreen
from explorer.tui.screens.prompt import TargetPrompt
from explorer.tui.services.backend import BackendError
from explorer.tui.widgets.member_list import MemberList
from explorer.tui.widgets.text_views import HelpView
from explorer.tui.widgets.variables import VariablesPanel

SIZE = (100, 30)
TUI = Path(__file__).resolve().parents[2] / "explorer" / "tui"


def notifications(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def still_alive(pilot) -> None:
    """The app still answers keys: the filter takes text."""
    assert pilot.app.is_running
    await pilot.press("slash", "c")
    await wait_for(pilot, lambda: explorer(pilot.app).query_one(MemberList).query_text == "c")


def raising(error: BaseException):
    async def fail(*args: object, **kwargs: object) -> object:
        raise error

    return fail


async def test_explorer_listing_error_is_shown_where_the_list_was(make_app) -> None:
    app = make_app("tui_sample")
    app.backend.listing = raising(BackendError("the worker fell over"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "the worker fell over" in status(app))
        assert "Cannot open" in doc_markdown(app) and listed(app) == []
        await still_alive(pilot)


async def test_explorer_doc_and_tab_errors_stay_in_their_tab(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        app.backend.doc = raising(BackendError("no doc today"))
        app.backend.help_text = raising(BackendError("no help today"))
        explorer(app).query_one(MemberList).select("area_of")
        await wait_for(pilot, lambda: "no doc today" in doc_markdown(app))
        await pilot.press("h")
        help_view = explorer(app).query_one(HelpView)
        await wait_for(pilot, lambda: "no help today" in help_view.text)
        await still_alive(pilot)


async def test_a_bug_in_a_worker_is_a_notification_not_an_exit(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        app.backend.source = raising(RuntimeError("a bug in the backend"))
        await pilot.press("s")
        await wait_for(pilot, lambda: "a bug in the backend" in notifications(app))
        assert "internal error: RuntimeError" in notifications(app)
        await still_alive(pilot)


async def test_module_output_error_is_a_notification(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        app.backend.output = raising(BackendError("no output kept"))
        await pilot.press("o")
        await wait_for(pilot, lambda: "no output kept" in notifications(app))
        await still_alive(pilot)


async def test_home_and_prompt_completion_survive_a_failing_backend(make_app) -> None:
    app = make_app(None)
    app.backend.listing = raising(RuntimeError("completion exploded"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        field = app.screen.query_one("#target-input", Input)
        field.value = "tui_sample.Ci"  # as typed: the suggester runs on every change
        await pilot.pause(0.3)
        assert field.value == "tui_sample.Ci" and field._suggestion == ""
        assert app.is_running
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        app.backend.listing = raising(BackendError("no listing"))
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, TargetPrompt))
        field = app.screen.query_one(Input)
        field.value = "tui_sample.Ci"
        await pilot.pause(0.3)
        assert field._suggestion == "" and app.is_running


async def test_runner_variables_and_reset_errors_are_shown(make_app) -> None:
    app = make_app(None)
    app.kernel.variables = raising(RuntimeError("kernel gone"))
    app.kernel.reset = raising(RuntimeError("cannot reset"))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_runner(pilot)
        screen.query_one(VariablesPanel).refresh_variables()
        note = screen.query_one("#graph-note")
        await wait_for(pilot, lambda: "kernel gone" in str(note.render()))
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: "cannot reset" in notifications(app))
        await pilot.press("x")
        assert screen.editor.text == "x" and app.is_running


async def test_variable_screen_backend_errors_are_shown(make_app, monkeypatch) -> None:
    from explorer.tui.screens.variables import VariableScreen
    from explorer.tui.services.session_backend import SessionBackend

    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await open_runner(pilot)
        monkeypatch.setattr(
            SessionBackend, "ask", raising(BackendError("x is not defined in the kernel"))
        )
        app.screen.query_one(VariablesPanel).post_message(
            VariablesPanel.VariableOpenRequested("x", Variable("x", "int", "data", "1"))
        )
        await wait_for(pilot, lambda: isinstance(app.screen, VariableScreen))
        await wait_for(pilot, lambda: "not defined" in status(app))
        await still_alive(pilot)


def test_no_worker_in_the_tui_can_close_the_app() -> None:
    """Every @work passes exit_on_error=False."""
    offenders = []
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "work":
                flags = {k.arg: k.value for k in node.keywords}
                value = flags.get("exit_on_error")
                if not (isinstance(value, ast.Constant) and value.value is False):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_an_unhandled_exception_exits_1_with_the_terminal_restored() -> None:
    """Run `explore tui_sample` headless with a bug planted in a key handler."""
    code = (
        "import sys\n"
        "from explorer.tui.app import ExplorerApp, run_app\n"
        "from explorer.tui.screens.explorer import ExplorerScreen\n"
        "def boom(self):\n"
        "    raise ZeroDivisionError('planted bug')\n"
        "ExplorerScreen.on_mount = boom\n"
        "sys.exit(run_app('tui_sample', headless=True))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "fixtures")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert "ZeroDivisionError" in done.stdout + done.stderr
