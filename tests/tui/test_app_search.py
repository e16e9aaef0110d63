"""The app's search key: F3 opens the search screen, Enter opens the hit in the explorer."""

from __future__ import annotations

import pytest
from textual.widgets import Input
from tui_helpers import explorer, is_loaded, wait_for

from explorer.tui.screens.search import SearchScreen

pytestmark = pytest.mark.usefixtures("searchpkg_index")


async def test_f3_search_then_enter_opens_the_hit(make_app) -> None:
    app = make_app("searchpkg")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, is_loaded(app, "searchpkg"))
        assert app.search_package == "searchpkg"
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        app.screen.query_one(Input).value = "dist.Multi"
        await wait_for(pilot, lambda: app.screen.query_one("#search-hits").option_count > 0)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, SearchScreen))
        await wait_for(pilot, lambda: explorer(app).target.endswith("Multinomial"))
        await wait_for(pilot, is_loaded(app, explorer(app).target))
