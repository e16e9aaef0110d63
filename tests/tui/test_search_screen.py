"""The search screen and the palette provider, mounted in a tiny app over a fixture index."""

from __future__ import annotations

import pytest
from textual import on
from textual.app import App
from textual.widgets import Input, OptionList, ProgressBar, Static

from explorer.core.search.store import IndexKey
from explorer.tui.providers import IndexSearchProvider
from explorer.tui.screens.search import SearchScreen

pytestmark = pytest.mark.usefixtures("searchpkg_index")


class Host(App[None]):
    search_package = "searchpkg"
    COMMANDS = App.COMMANDS | {IndexSearchProvider}

    def __init__(self, open_search: bool = True) -> None:
        super().__init__()
        self.open_search = open_search
        self.chosen: list[str] = []
        self.dismissed: list[str | None] = []

    def on_mount(self) -> None:
        if self.open_search:
            self.push_screen(SearchScreen("searchpkg"), self.dismissed.append)

    @on(SearchScreen.TargetChosen)
    def _chosen(self, event: SearchScreen.TargetChosen) -> None:
        self.chosen.append(event.target)


async def settle(app: App[None], pilot: object) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]


def status(app: App[None]) -> str:
    return str(app.screen.query_one("#search-status", Static).render())


def hit_ids(app: App[None]) -> list[str]:
    hits = app.screen.query_one("#search-hits", OptionList)
    return [hits.get_option_at_index(i).id or "" for i in range(hits.option_count)]


async def test_typing_shows_ranked_hits_and_enter_chooses() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"dist.Multi")
        await settle(app, pilot)
        assert hit_ids(app)[0] == "searchpkg.distributions.Multinomial"
        assert "3 hits" in status(app)
        await pilot.press("enter")
        await settle(app, pilot)
    assert app.chosen == ["searchpkg.distributions.Multinomial"]
    assert app.dismissed == ["searchpkg.distributions.Multinomial"]


async def test_arrow_keys_move_through_hits_and_words_search_docs() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"reparameterized sample")
        await settle(app, pilot)
        assert hit_ids(app)[0] == "searchpkg.distributions.Multinomial.rsample"
        await pilot.press(*["backspace"] * len("reparameterized sample"), *"area")
        await settle(app, pilot)
        ids = hit_ids(app)
        assert len(ids) >= 2
        await pilot.press("down")
        await pilot.press("enter")
        await settle(app, pilot)
    assert app.chosen == [ids[1]]


async def test_the_list_always_matches_the_last_keystroke() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"gre", "backspace", "backspace", "backspace", *"Circle")
        await settle(app, pilot)
        assert app.screen.query_one(Input).value == "Circle"
        assert hit_ids(app)[0] == "searchpkg.Circle"
        await pilot.press("escape")
        await settle(app, pilot)
    assert app.dismissed == [None] and app.chosen == []


async def test_palette_provider_queries_the_same_index() -> None:
    app = Host(open_search=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"Multinomial")
        await pilot.pause(0.5)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
    assert app.chosen == ["searchpkg.distributions.Multinomial"]


async def test_a_missing_index_is_built_with_a_progress_bar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Real importer subprocesses; the fixture's hanging module costs one short timeout."""
    IndexKey.for_package("searchpkg").path.unlink()
    monkeypatch.setenv("EXPLORER_INDEX_TIMEOUT", "2")
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.5)
        bar = app.screen.query_one("#search-progress", ProgressBar)
        assert bar.has_class("-building")  # shown while the index builds
        for _ in range(100):
            await pilot.pause(0.2)
            if not bar.has_class("-building"):
                break
        assert not bar.has_class("-building")
        assert bar.percentage == 1.0
        assert "searchpkg" in status(app) and "entries" in status(app)
        await pilot.press(*"greet")
        await settle(app, pilot)
        assert hit_ids(app)[0] == "searchpkg.greet"


async def test_a_failing_index_backend_shows_an_error_and_the_app_stays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import explorer.tui.screens.search as search_screen

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(search_screen, "open_library", broken)
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert "opening the indexes failed: RuntimeError: disk on fire" in status(app)
        assert isinstance(app.screen, SearchScreen)  # alive, and Escape still closes it
        await pilot.press("escape")
        await settle(app, pilot)
    assert app.dismissed == [None]


async def test_a_failing_query_shows_an_error_and_typing_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from explorer.core.search.library import Library

    original = Library.search

    def flaky(self: Library, text: str, limit: int = 20) -> object:
        if text == "boom":
            raise RuntimeError("query exploded")
        return original(self, text, limit)

    monkeypatch.setattr(Library, "search", flaky)
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"boom")
        await settle(app, pilot)
        assert "searching failed: RuntimeError: query exploded" in status(app)
        await pilot.press(*["backspace"] * 4, *"greet")
        await settle(app, pilot)
        assert hit_ids(app)[0] == "searchpkg.greet"


async def test_a_query_that_is_too_long_is_a_message_not_a_crash() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.screen.query_one(Input).value = ".".join(["a"] * 40)
        await settle(app, pilot)
        assert "cannot search that" in status(app) and "too deep" in status(app)


async def test_a_scope_no_index_holds_is_named_with_the_nearest_packages() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"greet in:serchpkg")
        await settle(app, pilot)
        assert "0 hits: no index holds 'serchpkg' (did you mean searchpkg?)" in status(app)


async def test_a_query_naming_another_indexed_package_is_routed_there() -> None:
    """The palette and the screen search every index: json.dumps goes to the stdlib one."""
    from explorer.core.search.collect import entries_for_module
    from explorer.core.search.merge import merge
    from explorer.core.search.store import store_index

    seen: dict[str, tuple[str, str]] = {}
    rows, aliases = merge(entries_for_module("json", seen))
    store_index(IndexKey.for_package("stdlib"), "fp", rows, [], aliases=aliases).close()
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"json.dumps")
        await settle(app, pilot)
        assert hit_ids(app)[0] == "json.dumps"
        await pilot.press(*["backspace"] * 10, *"greet")
        await settle(app, pilot)
        assert hit_ids(app)[0] == "searchpkg.greet"


async def test_f3_opens_again_on_the_query_typed_last(make_app) -> None:
    app = make_app("tui_sample")  # the home screen would warm torch meanwhile
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press(*"Multi")
        await pilot.press("escape")
        await settle(app, pilot)
        assert not app.screen.query("#search-input")
        await pilot.press("f3")
        await settle(app, pilot)
        assert app.screen.query_one("#search-input", Input).value == "Multi"
