"""SVG snapshot of the runner screen at 100x30: the autograd snippet loaded, nothing run yet.

Nothing runs, so the kernel is never started and the picture does not depend on
timings. Update with `pytest tests/tui/test_runner_snapshot.py --snapshot-update`
and look at the SVG before committing it.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import TextArea

from explorer.tui.screens.runner import RunnerApp
from explorer.tui.services.kernel_session import KernelSession

SIZE = (100, 30)


def test_runner_screen(snap_compare) -> None:
    app = RunnerApp(KernelSession(), snippet="autograd_basics")

    async def ready(pilot: Pilot) -> None:
        editor = pilot.app.screen.query_one("#editor", TextArea)
        editor.cursor_blink = False  # a blinking cursor makes the picture depend on timing
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
