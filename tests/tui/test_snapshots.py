"""SVG snapshots at 100x30 of the home screen, a module view and a class's Doc tab.

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the SVGs before committing them.
"""

from __future__ import annotations

from tui_helpers import doc_qualname, explorer, is_loaded, wait_for

from explorer.tui.app import create_app
from explorer.tui.widgets.member_list import MemberList

SIZE = (100, 30)


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
