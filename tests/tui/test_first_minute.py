"""Issue 8, the first minute in the TUI: one Pilot test (or more) per defect, numbered as there.

Each drives the app built by `create_app`, with the real worker, on the
tui_sample fixture package (never torch), pressing the keys a newcomer would.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input
from tui_helpers import (
    breadcrumb,
    doc_markdown,
    doc_qualname,
    explorer,
    headings,
    is_loaded,
    listed,
    selected,
    status,
    wait_for,
)

from explorer.tui.screens.output import ModuleOutput
from explorer.tui.screens.runner import RunnerScreen
from explorer.tui.services.recent import RecentTargets
from explorer.tui.widgets.example_runner import ExampleRunner
from explorer.tui.widgets.member_list import MemberList
from explorer.tui.widgets.text_views import HelpView, SourceView

SIZE = (100, 30)
NARROW = (80, 24)


async def go_to(pilot, target: str) -> None:
    await pilot.press("g")
    await wait_for(pilot, lambda: pilot.app.screen.query("#prompt-input"))
    pilot.app.screen.query_one("#prompt-input", Input).value = target
    await pilot.press("enter")


# ---- 1. the target's own docs come first ---------------------------------------------


async def test_1_a_class_opens_on_its_own_doc_help_and_source(make_app) -> None:
    app = make_app("tui_sample.Circle")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))
        assert doc_qualname(app) == "tui_sample.Circle"
        assert "A circle of a given radius" in doc_markdown(app)
        await pilot.press("h")
        help_view = explorer(app).query_one(HelpView)
        await wait_for(pilot, lambda: "class Circle(" in help_view.text)
        await pilot.press("s")
        source = explorer(app).query_one(SourceView)
        await wait_for(pilot, lambda: source.source is not None)
        assert source.source.qualname == "tui_sample.Circle"


async def test_1_a_module_opens_on_its_module_doc(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        assert doc_qualname(app) == "tui_sample"
        assert "A small, deterministic package" in doc_markdown(app)
        assert "Circle" in listed(app)  # the members are still one key away


async def test_1_t_returns_to_the_target_and_u_goes_up_to_the_parent(make_app) -> None:
    app = make_app("tui_sample.Circle")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))
        await pilot.press("down")  # onto the first member
        await wait_for(pilot, lambda: doc_qualname(app) == "tui_sample.Circle.area")
        await pilot.press("t")
        await wait_for(pilot, lambda: doc_qualname(app) == "tui_sample.Circle")
        await pilot.press("u")
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        assert selected(app) == "Circle"  # up lands on where we came from
        assert doc_qualname(app) == "tui_sample.Circle"
        await pilot.press("backspace")
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))


async def test_1_u_on_a_builtin_goes_up_to_builtins(make_app) -> None:
    app = make_app("len")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "len"))
        await pilot.press("u")
        await wait_for(pilot, is_loaded(app, "builtins"))
        assert selected(app) == "len"


# ---- 2 (second half). an unhandled exception exits non-zero: see test_app_errors.py ---

# ---- 3. q quits, Ctrl+C interrupts a run ---------------------------------------------


async def test_3_q_quits_from_the_explorer(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await pilot.press("slash", "q")  # typed into the filter: no quitting
        assert explorer(app).query_one(MemberList).filter_input.value == "q"
        await pilot.press("escape", "q")
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == 0


async def test_3_q_quits_from_the_module_output_too(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ModuleOutput))
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)


async def test_3_quit_is_in_the_footer_and_on_the_home_screen(make_app) -> None:
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Ctrl+Q" in str(app.screen.query_one("#home-help").render())
        assert "Quit" in footer_text(app)  # the typed-into input shows ^q
        await pilot.press("t", "u", "i", "_", "s", "a", "m", "p", "l", "e", "enter")
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        assert "q Quit" in footer_text(app)


def footer_text(app) -> str:
    from textual.widgets._footer import FooterKey

    return "  ".join(f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey))


async def test_3_ctrl_c_outside_the_runner_says_how_to_quit(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await pilot.press("ctrl+c")
        assert any("Press q to quit" in str(n.message) for n in app._notifications)
        assert app.is_running


# ---- 4. no hard cutoff for an interactive run ------------------------------------------


async def test_4_the_runner_has_no_time_limit_unless_one_is_given(make_app) -> None:
    from explorer.tui.app import create_app

    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, RunnerScreen))
        assert app.screen.session.timeout is None
    limited = create_app(None, run_timeout=5.0)
    assert limited.kernel.timeout == 5.0


# ---- 5. help() text wraps; the runner stacks when narrow ------------------------------


async def test_5_help_text_wraps_at_80_columns(make_app) -> None:
    app = make_app("tui_sample.wide.spread")
    async with app.run_test(size=NARROW) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.wide.spread"))
        await pilot.press("h")
        help_view = explorer(app).query_one(HelpView)
        await wait_for(pilot, lambda: "LASTWORD" in help_view.text)
        await pilot.pause()
        assert help_view.max_scroll_x == 0, "no line runs past the right edge"
        assert any("LASTWORD" in line for line in help_view.shown_lines)
        assert all(len(line) <= help_view.size.width for line in help_view.shown_lines)


async def test_5_the_runner_gives_the_editor_the_width_when_narrow(make_app) -> None:
    app = make_app(None)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, RunnerScreen))
        await pilot.pause()
        editor = app.screen.query_one("#editor")
        output = app.screen.query_one("#run-output")
        assert editor.size.width >= 70
        assert output.region.y > editor.region.y  # stacked: output under the editor


# ---- 6. tab keys work while an example has focus ----------------------------------------


async def test_6_tab_keys_work_while_an_example_has_focus(make_app) -> None:
    app = make_app("tui_sample.wide.spread")  # two examples: focus may move between them
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.wide.spread"))
        await wait_for(pilot, lambda: len(explorer(app).query(ExampleRunner)) == 2)
        tabs = explorer(app).tabs
        for key, tab in (("s", "source"), ("h", "help"), ("3", "source")):
            await pilot.press("1")
            explorer(app).query(ExampleRunner).first().focus()
            await pilot.pause()
            await pilot.press(key)
            await pilot.pause(0.1)  # the snap back to Doc came a refresh later
            assert tabs.active == tab, key


async def test_6_members_tab_key_while_the_doc_has_focus(make_app) -> None:
    """Tab into the docs of a class, then 4: the Members tab opens (it used to crash)."""
    app = make_app("tui_sample.Circle")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))
        explorer(app).detail.focus_active_tab()
        await pilot.pause()
        await pilot.press("4")
        assert explorer(app).tabs.active == "members-tab"
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "members-scroll")
        assert app.is_running


# ---- 7. back after a failed go-to ---------------------------------------------------------


async def test_7_back_after_a_failed_go_to_restores_the_listing(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await pilot.press("h")  # the help() tab shows tui_sample's help...
        help_view = explorer(app).query_one(HelpView)
        await wait_for(pilot, lambda: "tui_sample" in help_view.text)
        await go_to(pilot, "tui_sample.nope")
        await wait_for(pilot, lambda: "nope" in status(app))
        assert "nope" in help_view.text  # ...and then says why nothing is shown, not stale help
        await pilot.press("backspace")
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        assert "Circle" in listed(app)
        assert status(app) == ""
        assert breadcrumb(app) == "tui_sample"


# ---- 8. filter ranking ------------------------------------------------------------------


async def test_8_filter_puts_exact_then_prefix_then_word_then_fuzzy(make_app) -> None:
    app = make_app("tui_sample.ranking.Params")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.ranking.Params"))
        await pilot.press("slash", "g", "r", "a", "d")
        await pilot.pause()
        names = listed(app)
        assert names[:2] == ["grad", "grad_fn"]
        boundary = {"requires_grad", "retain_grad", "register_post_accumulate_grad_hook"}
        assert set(names[2:5]) == boundary
        assert names[5:] == ["upgrade", "deg2rad"]
        await pilot.press("enter")  # opens the top match
        await wait_for(pilot, lambda: doc_qualname(app) == "tui_sample.ranking.Params.grad")


async def test_8_fuzzy_matches_come_under_their_own_heading(make_app) -> None:
    app = make_app("tui_sample.ranking.Params")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.ranking.Params"))
        await pilot.press("slash", "g", "r", "d")  # no name holds "grd"; some hold g-r-d
        await pilot.pause()
        assert headings(app)[0] == "letters in order" and listed(app)


async def test_8_a_pasted_dotted_path_filters_by_its_member(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await pilot.press("slash")
        explorer(app).member_list.filter_input.insert_text_at_cursor("tui_sample.Circle.area")
        await pilot.pause()
        assert listed(app)[0] == "Circle"
        await pilot.press("enter")  # opens Circle with area selected
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))
        assert selected(app) == "area"


async def test_8_no_match_says_so_and_esc_clears_from_the_list(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await pilot.press("slash", "z", "z", "q", "enter")
        assert listed(app) == [] and "no member matches 'zzq'" in headings(app)[0]
        assert explorer(app).member_list.filter_input.has_focus  # Enter on nothing stays
        explorer(app).member_list.options.focus()
        await pilot.press("escape")
        assert explorer(app).member_list.filter_input.value == ""
        assert "Circle" in listed(app)


# ---- 9. recents, completion, did-you-mean ---------------------------------------------


async def test_9_only_targets_that_opened_become_recent(make_app) -> None:
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#target-input", Input).value = "tui_sample.nope"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "nope" in status(app))
        await go_to(pilot, "tui_sample.shapes")
        await wait_for(pilot, is_loaded(app, "tui_sample.shapes"))
    assert RecentTargets().load() == ["tui_sample.shapes"]


async def test_9_a_miss_suggests_the_nearest_names(make_app) -> None:
    app = make_app("tui_sample.Circel")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "Circel" in status(app))
        assert "did you mean Circle?" in status(app)
        await wait_for(pilot, lambda: "Did you mean" in doc_markdown(app))
        page = doc_markdown(app)
        assert "[tui_sample.Circle](tui_sample.Circle)" in page
        assert "Backspace" not in page  # nothing to go back to yet
        await pilot.press("g")  # the name meant is filled in: Enter opens it
        await wait_for(pilot, lambda: app.screen.query("#prompt-input"))
        await pilot.press("enter")
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))


@pytest.mark.parametrize("where", ["home", "go to"])
async def test_9_dotted_names_complete_in_the_inputs(make_app, where: str) -> None:
    app = make_app(None if where == "home" else "tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        if where == "home":
            await pilot.pause()
            field = app.screen.query_one("#target-input", Input)
        else:
            await wait_for(pilot, is_loaded(app, "tui_sample"))
            await pilot.press("g")
            await wait_for(pilot, lambda: app.screen.query("#prompt-input"))
            field = app.screen.query_one("#prompt-input", Input)
        field.value = "tui_sample.Ci"  # as typed: the suggester runs on every change
        field.cursor_position = len(field.value)
        await wait_for(pilot, lambda: field._suggestion == "tui_sample.Circle")
        await pilot.press("right")  # accepts the completion, as in a shell
        assert field.value == "tui_sample.Circle"


@pytest.mark.parametrize(
    ("typed", "opened"),
    [
        ("Circle.dia", "tui_sample.Circle.diameter"),  # relative, and completed
        ("tui_sample.shap", "tui_sample.shapes"),  # completed as suggested
        ("tui_sample.shapes", "tui_sample.shapes"),  # exists as typed: stays
    ],
)
async def test_9_go_to_opens_relative_names_and_the_completion_shown(
    make_app, typed: str, opened: str
) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await go_to(pilot, typed)
        await wait_for(pilot, is_loaded(app, opened))


async def test_9_go_to_says_what_is_wrong_with_a_name_in_the_dialog(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await go_to(pilot, "../etc")
        await pilot.pause()
        field = app.screen.query_one("#prompt-input", Input)  # the dialog stays open
        assert "not a dotted Python name" in str(field.border_subtitle)
        await pilot.press("escape")
        assert explorer(app).target == "tui_sample" and breadcrumb(app).endswith("tui_sample")


def test_9_completion_prefers_what_you_opened_before() -> None:
    from explorer.tui.widgets.target_input import best_completion

    recent = ["torch.distributions", "torch.autograd", "torch", "builtins"]
    assert best_completion("t", recent) == "torch"  # not `tty`, the shortest module name
    assert best_completion("torch.d", recent) == "torch.distributions"
    assert best_completion("tui_sample.ci", ["tui_sample.Circle"]) == "tui_sample.Circle"
    assert best_completion("json.", ["json._private", "json.dumps"]) == "json.dumps"


# ---- 11. smaller ------------------------------------------------------------------------


async def test_11_the_footer_keeps_search_and_go_to_at_80_columns(make_app) -> None:
    from textual.widgets._footer import FooterKey

    app = make_app("tui_sample")
    async with app.run_test(size=NARROW) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await pilot.pause()
        keys = list(app.screen.query(FooterKey))
        assert {"Go to", "Search", "Quit", "Keys"} <= {key.description for key in keys}
        spans = sorted((key.region.x, key.region.right) for key in keys)
        assert spans[-1][1] <= NARROW[0], "every key is on screen"
        pairs = zip(spans, spans[1:], strict=False)
        assert all(left[1] <= right[0] for left, right in pairs), "none covers another"


async def test_11_question_mark_lists_this_apps_keys(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: app.screen.query("#keys-text"))
        text = str(app.screen.query_one("#keys-text").render())
        for words in (
            "Go to",
            "Up to the parent",
            "Filter",
            "Runner",
            "Quit",
            "ctrl+p",
            "On a docstring example",
            "Run from Example 1",
            "a class or module",
        ):
            assert words in text, words
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.screen.query("#keys-text"))


async def test_2_x_goes_to_the_examples_and_r_runs_the_first_from_the_list(make_app) -> None:
    app = make_app("tui_sample.Circle")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))
        await wait_for(pilot, lambda: explorer(app).query(ExampleRunner))
        first = explorer(app).query(ExampleRunner).first()
        await pilot.press("x")
        assert app.focused is first
        explorer(app).member_list.options.focus()
        await pilot.press("r")  # from the list: the first example runs
        await wait_for(pilot, lambda: first.verdict is not None, 60)
        assert app.focused is first


async def test_11_e_from_the_list_opens_the_selected_members_source(make_app, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(  # the editor itself needs a real terminal to suspend the app for
        "explorer.tui.screens.explorer.open_in_editor", lambda app, file, line: opened.append(file)
    )
    app = make_app("tui_sample.Circle")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))
        await pilot.press("down")  # area, never shown in the Source tab
        await wait_for(pilot, lambda: doc_qualname(app) == "tui_sample.Circle.area")
        await pilot.press("e")
        await wait_for(pilot, lambda: opened)
    assert opened[0].endswith("shapes.py")


async def test_11_e_without_an_editor_says_so(make_app, monkeypatch) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    ran: list[object] = []
    monkeypatch.setattr("subprocess.run", lambda *a, **k: ran.append(a))
    app = make_app("tui_sample.Circle")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))
        await pilot.press("s")
        source = explorer(app).query_one(SourceView)
        await wait_for(pilot, lambda: source.source is not None)
        await pilot.press("e")
        await pilot.pause()
        assert not ran
        assert any("EDITOR" in str(n.message) for n in app._notifications)


async def test_11_the_source_header_keeps_file_and_line_together(make_app) -> None:
    app = make_app("tui_sample.Circle")
    async with app.run_test(size=NARROW) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))
        await pilot.press("s")
        source = explorer(app).query_one(SourceView)
        await wait_for(pilot, lambda: source.source is not None)
        await pilot.pause()
        header = explorer(app).query_one("#source-location")
        assert header.size.height == 1
        assert "shapes.py:27" in str(header.render())
