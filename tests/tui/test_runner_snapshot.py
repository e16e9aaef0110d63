"""SVG snapshots of the runner at 100x30 (the autograd snippet, nothing run yet) and at
80x24, where the editor and its output get the whole width.

Nothing runs, so the kernel is never started and the picture does not depend on
timings. Update with `pytest tests/tui/test_runner_snapshot.py --snapshot-update`
and look at the SVG before committing it.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from tui_helpers import open_runner, wait_for

from explorer.tui.app import create_app


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=["100x30", "80x24"])
def test_runner_screen(snap_compare, size: tuple[int, int]) -> None:
    async def ready(pilot: Pilot) -> None:
        screen = await open_runner(pilot, "autograd_basics")
        # A steady cursor, drawn: the editor has focus (AUTO_FOCUS can lag on a busy
        # machine), and lines cached while the blink had hidden the cursor are dropped
        # (TextArea's line cache leaves the cursor out of its key when it does not blink).
        await wait_for(pilot, lambda: screen.editor.has_focus)
        screen.editor.cursor_blink = False
        screen.editor.notify_style_update()
        screen.editor.refresh()
        await pilot.pause()

    assert snap_compare(create_app(None), terminal_size=size, run_before=ready)
