"""SVG snapshots, every app built by `create_app`, on fixture modules only (never torch).

The home screen, a module view and a class's Doc tab at 100x30; a class as the
search index paints it while the worker still imports (marker, pending note,
examples that cannot run yet); a miss with its suggestion and a cancelled import
(error and cancel states); help() wrapped at
80x24; the runner's variables panel with an autograd graph (the kernel's answers
replayed from tests/fixtures/tui_sample/autograd_variables.json, captured from a
real kernel, so no kernel starts and nothing depends on timing).

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the SVGs before committing them.
"""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable
from tui_helpers import (
    doc_markdown,
    doc_qualname,
    explorer,
    is_loaded,
    open_runner,
    painted_from_index,
    status,
    wait_for,
)

from explorer.core.model import GradGraph, Variable
from explorer.tui.app import create_app
from explorer.tui.widgets.member_list import MemberList
from explorer.tui.widgets.pending_example import PendingExample
from explorer.tui.widgets.status import StatusLine
from explorer.tui.widgets.text_views import HelpView
from explorer.tui.widgets.variables import VariablesPanel

SIZE = (100, 30)
NARROW = (80, 24)
RECORDED = Path(__file__).resolve().parents[1] / "fixtures/tui_sample/autograd_variables.json"


def test_home_screen(snap_compare) -> None:
    async def ready(pilot) -> None:
        await pilot.pause()

    assert snap_compare(create_app(None), terminal_size=SIZE, run_before=ready)


def test_module_view(snap_compare) -> None:
    app = create_app("tui_sample", timeout=20.0)

    async def ready(pilot) -> None:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        explorer(app).query_one(MemberList).select("area_of")
        await wait_for(pilot, lambda: doc_qualname(app) == "tui_sample.area_of")

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_class_doc_tab(snap_compare) -> None:
    app = create_app("tui_sample.Circle", timeout=20.0)

    async def ready(pilot) -> None:
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))
        assert doc_qualname(app) == "tui_sample.Circle"  # a class opens on its own doc

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_a_class_painted_from_the_index(
    snap_compare, instantpkg_index, import_gate, monkeypatch
) -> None:
    # The import never ends here (the gate stays shut); no seconds counter in the picture.
    monkeypatch.setattr(StatusLine, "SHOW_AFTER", 3600.0)
    app = create_app("instantpkg", timeout=60.0)

    async def ready(pilot) -> None:
        await wait_for(pilot, painted_from_index(app, "instantpkg"))
        explorer(app).query_one(MemberList).select("Lens")
        await wait_for(pilot, lambda: doc_qualname(app) == "instantpkg.Lens")
        await wait_for(pilot, lambda: list(explorer(app).query(PendingExample)))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_a_miss_with_its_suggestion(snap_compare) -> None:
    app = create_app("tui_sample.Circel", timeout=20.0)

    async def ready(pilot) -> None:
        await wait_for(pilot, lambda: "did you mean" in status(app))
        await wait_for(pilot, lambda: "Cannot open" in doc_markdown(app))

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_a_cancelled_import(snap_compare) -> None:
    app = create_app("hostile.hang_on_import", timeout=60.0)

    async def ready(pilot) -> None:
        await wait_for(pilot, lambda: "importing hostile.hang_on_import" in status(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: "worker was restarted" in status(app))
        await wait_for(pilot, lambda: "cancelled" in doc_markdown(app))

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_help_wraps_at_80x24(snap_compare) -> None:
    app = create_app("tui_sample.wide.spread", timeout=20.0)

    async def ready(pilot) -> None:
        await wait_for(pilot, is_loaded(app, "tui_sample.wide.spread"))
        await pilot.press("h")
        help_view = explorer(app).query_one(HelpView)
        await wait_for(pilot, lambda: "LASTWORD" in help_view.text)
        await pilot.pause()

    assert snap_compare(app, terminal_size=NARROW, run_before=ready)


def test_variables_panel_with_a_graph(snap_compare) -> None:
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    app = create_app(None)

    async def variables() -> tuple[Variable, ...]:
        return tuple(Variable.from_dict(row) for row in recorded["variables"])

    async def grad_graph(name: str) -> GradGraph:
        return GradGraph.from_dict(recorded["graph"])

    app.kernel.variables = variables  # type: ignore[method-assign]
    app.kernel.grad_graph = grad_graph  # type: ignore[method-assign]

    async def ready(pilot) -> None:
        screen = await open_runner(pilot)
        screen.editor.cursor_blink = False
        panel = screen.query_one(VariablesPanel)
        panel.refresh_variables()
        await wait_for(pilot, lambda: "y" in panel.variables)
        table = panel.query_one(DataTable)
        table.focus()
        table.move_cursor(row=list(panel.variables).index("y"))
        await wait_for(pilot, lambda: panel.tree_labels)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 30), run_before=ready)


def test_search_screen_with_hits(snap_compare, searchpkg_index) -> None:
    from textual.widgets import Input, OptionList

    from explorer.tui.screens.search import SearchScreen

    app = create_app("searchpkg", timeout=20.0)

    async def ready(pilot) -> None:
        await wait_for(pilot, is_loaded(app, "searchpkg"))
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        app.screen.query_one(Input).value = "shape area"
        await wait_for(pilot, lambda: app.screen.query_one(OptionList).option_count >= 3)
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
