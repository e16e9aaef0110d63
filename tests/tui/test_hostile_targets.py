"""Targets that hang, crash or print on import: the UI stays live and says what happened."""

from __future__ import annotations

from textual.widgets import Input, Static
from tui_helpers import explorer, is_loaded, listed, status, wait_for

from explorer.tui.screens.output import ModuleOutput
from explorer.tui.widgets.member_list import MemberList

SIZE = (100, 30)


async def open_via_prompt(pilot, target: str) -> None:
    await pilot.press("g")
    await pilot.pause()
    prompt = pilot.app.screen.query_one("#prompt-input", Input)
    prompt.value = target
    await pilot.press("enter")


async def test_hanging_import_times_out_while_the_ui_keeps_answering(make_app) -> None:
    app = make_app("hostile.hang_on_import", timeout=3.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "importing hostile.hang_on_import" in status(app))
        # The import hangs in the worker; the UI still takes keys.
        await pilot.press("slash", "a", "b")
        assert explorer(app).query_one(MemberList).filter_input.value == "ab"
        await pilot.press("escape")  # escape in the filter cancels the slow import too
        await wait_for(pilot, lambda: "timed out" in status(app) or "cancel" in status(app))


async def test_hanging_import_reports_the_timeout(make_app) -> None:
    app = make_app("hostile.hang_on_import", timeout=2.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "timed out after 2 s" in status(app), timeout=15)
        assert "hostile.hang_on_import" in status(app)
        await open_via_prompt(pilot, "tui_sample")  # the replaced worker answers
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        assert "Circle" in listed(app)


async def test_escape_cancels_a_slow_import_and_restarts_the_worker(make_app) -> None:
    app = make_app("hostile.hang_on_import", timeout=60.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "importing hostile.hang_on_import" in status(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: "worker was restarted" in status(app))
        await open_via_prompt(pilot, "tui_sample")
        await wait_for(pilot, is_loaded(app, "tui_sample"), timeout=10)


async def test_segfaulting_import_is_reported_and_the_worker_restarted(make_app) -> None:
    app = make_app("hostile.segfault_on_import")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "signal 11" in status(app))
        assert "restarted" in status(app)
        await open_via_prompt(pilot, "tui_sample")
        await wait_for(pilot, is_loaded(app, "tui_sample"))


async def test_module_printing_on_import_leaves_screen_and_protocol_intact(make_app, capfd) -> None:
    app = make_app("hostile.prints_fd1_on_import")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: explorer(app).listing is not None)
        assert status(app) == ""
        assert explorer(app).listing.target == "hostile.prints_fd1_on_import"
        await pilot.press("o")  # what the module printed is kept, and viewable
        await wait_for(pilot, lambda: isinstance(app.screen, ModuleOutput))
        shown = str(app.screen.query_one("#output-text", Static).render())
        assert "print() to sys.stdout on import" in shown
        assert "os.write to fd 1 on import" in shown
        await pilot.press("escape")
    out, err = capfd.readouterr()
    assert "on import" not in out + err
    assert "forged" not in out + err


async def test_unknown_target_is_a_one_line_error(make_app) -> None:
    app = make_app("no_such_module_xyz")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "no_such_module_xyz" in status(app))
        assert "\n" not in status(app).strip()
        assert listed(app) == []
