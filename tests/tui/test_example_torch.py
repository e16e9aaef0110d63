"""The Doc tab of a torch C function runs its example with torch's doctest names (F, nn)."""

from __future__ import annotations

import pytest
from tui_helpers import doc_qualname, explorer, is_loaded, wait_for

from explorer.tui.app import create_app
from explorer.tui.widgets.example_runner import ExampleRunner
from explorer.tui.widgets.member_list import MemberList

pytestmark = pytest.mark.slow


async def test_conv1d_doc_tab_runs_its_example_and_passes() -> None:
    pytest.importorskip("torch")
    app = create_app("torch.nn.functional", timeout=120.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, is_loaded(app, "torch.nn.functional"), timeout=120)
        explorer(app).query_one(MemberList).select("conv1d")
        await wait_for(pilot, lambda: doc_qualname(app) == "torch.nn.functional.conv1d", 60)
        example = explorer(app).query(ExampleRunner).first()
        assert example.border_subtitle == "module globals + torch, nn, F, np (torch's conventions)"
        example.run_example(explicit=True)
        await wait_for(pilot, lambda: example.verdict is not None, timeout=120)
        message = str(example.query_one(".example-message").render())
        assert example.status == "passed", message
