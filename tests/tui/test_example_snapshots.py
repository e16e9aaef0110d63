"""SVG snapshot of a docstring example that differs, in the app as the CLI builds it.

Update after an intended change with
`pytest tests/tui/test_example_snapshots.py --snapshot-update` and look at the SVG first.
"""

from __future__ import annotations

import pytest
from tui_helpers import doc_qualname, explorer, is_loaded, wait_for

from explorer.tui.app import create_app
from explorer.tui.widgets import example_runner
from explorer.tui.widgets.example_runner import ExampleRunner
from explorer.tui.widgets.member_list import MemberList

SIZE = (100, 34)


def test_an_example_that_differs(snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    # The run's duration is part of the badge; a fixed one keeps the picture stable.
    monkeypatch.setattr(example_runner, "format_duration", lambda seconds: "5 ms")
    app = create_app("examples_pkg.calm", timeout=20.0)

    async def ready(pilot) -> None:
        await wait_for(pilot, is_loaded(app, "examples_pkg.calm"))
        explorer(app).query_one(MemberList).select("differs")
        await wait_for(pilot, lambda: doc_qualname(app) == "examples_pkg.calm.differs")
        first = explorer(app).query(ExampleRunner).first()
        first.run_example(explicit=True)
        await wait_for(pilot, lambda: first.status == "differs", timeout=120)
        first.scroll_visible(animate=False, top=True)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
