"""The first paint from the search index (issue 14), against a real index and real workers.

`instantpkg` (tests/fixtures) does at import time what its environment says:
hold the import until a gate file exists (a slow import, so the index's paint
is on screen for as long as a test looks at it), add plugin functions, or end
the process. Its index is built once, by the real builder (importer children),
with a plugin `legacy` that the workers here never load; so the index and the
live listing differ, and the live answer must win.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets import OptionList, Static
from tui_helpers import (
    doc_markdown,
    doc_qualname,
    explorer,
    is_loaded,
    listed,
    painted_from_index,
    selected,
    wait_for,
)

from explorer import settings
from explorer.core.search.lookup import open_current
from explorer.proc.search.build import ensure_index
from explorer.tui.app import create_app
from explorer.tui.services.recent import RecentTargets
from explorer.tui.widgets.doc_view import DocView
from explorer.tui.widgets.example_runner import ExampleRunner
from explorer.tui.widgets.member_list import MemberList
from explorer.tui.widgets.pending_example import PendingExample
from explorer.tui.widgets.text_views import HelpView

SIZE = (100, 30)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
INDEXED = ["APERTURE", "Lens", "focal_length", "legacy", "optics"]


def marker(app) -> str:
    shown = explorer(app).query_one("#index-marker", Static)
    return str(shown.render()) if shown.display else ""


def pending_note(app) -> str | None:
    return explorer(app).query_one(DocView).pending


async def test_members_and_docs_come_from_the_index_while_the_worker_imports(
    instantpkg_index: Path, import_gate: Callable[[], None]
) -> None:
    app = create_app("instantpkg", timeout=30.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, painted_from_index(app, "instantpkg"))
        assert listed(app) == ["Lens", "focal_length", "legacy", "APERTURE", "optics"]
        assert marker(app) == "from index (instantpkg unversioned)"
        assert "Lenses and rings" in doc_markdown(app)
        assert "pending the live object" in (pending_note(app) or "")
        assert explorer(app).status.working  # the worker is still importing

        members = explorer(app).query_one(MemberList)
        members.select("Lens")
        await wait_for(pilot, lambda: doc_qualname(app) == "instantpkg.Lens")
        text = doc_markdown(app)
        assert "class Lens(focal: float, name: str = 'lens')" in text
        assert "| `focal` | float |  | focal length in millimetres. |" in text
        examples = list(explorer(app).query(PendingExample))
        assert [e.example.source for e in examples] == ["Lens(50.0).power()"]
        assert not list(explorer(app).query(ExampleRunner)), "no Run before the live object"
        await pilot.press("h")
        help_view = explorer(app).query_one(HelpView)
        await wait_for(pilot, lambda: "pending" in help_view.text)
        assert "instantpkg" not in sys.modules, "the UI process never imports the target"

        import_gate()
        await wait_for(pilot, is_loaded(app, "instantpkg"))
        await wait_for(pilot, lambda: "Help on class Lens" in help_view.text)
        assert marker(app) == "" and pending_note(app) is None
        assert selected(app) == "Lens"
        await pilot.press("1")
        await wait_for(pilot, lambda: list(explorer(app).query(ExampleRunner)))
        assert not list(explorer(app).query(PendingExample))
    assert "instantpkg" not in sys.modules


async def test_the_live_answer_replaces_the_view_in_place_and_wins(
    instantpkg_index: Path, import_gate: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index has `legacy` (a plugin when it was built); the live import has `zoom`
    instead: after the live answer, the list is the live one, with the reader's filter
    and selection as they were."""
    monkeypatch.setenv("INSTANTPKG_PLUGINS", "zoom")
    app = create_app("instantpkg", timeout=30.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, painted_from_index(app, "instantpkg"))
        assert "legacy" in listed(app) and "zoom" not in listed(app)
        members = explorer(app).query_one(MemberList)
        members.filter_input.value = "l"
        await wait_for(pilot, lambda: sorted(listed(app)) == ["Lens", "focal_length", "legacy"])
        members.select("focal_length")
        await wait_for(pilot, lambda: doc_qualname(app) == "instantpkg.focal_length")

        import_gate()
        await wait_for(pilot, is_loaded(app, "instantpkg"))
        assert members.filter_input.value == "l"
        assert sorted(listed(app)) == ["Lens", "focal_length"]  # the live answer wins
        assert selected(app) == "focal_length"
        members.filter_input.value = ""
        await wait_for(pilot, lambda: "zoom" in listed(app))  # seen only live
        assert listed(app) == ["Lens", "focal_length", "zoom", "APERTURE", "optics"]


async def test_the_live_answer_keeps_the_list_and_doc_scrolled_where_they_were(
    instantpkg_index: Path, import_gate: Callable[[], None]
) -> None:
    app = create_app("instantpkg", timeout=30.0)
    async with app.run_test(size=(100, 12)) as pilot:
        await wait_for(pilot, painted_from_index(app, "instantpkg"))
        members = explorer(app).query_one(MemberList)
        members.select("Lens")
        await wait_for(pilot, lambda: doc_qualname(app) == "instantpkg.Lens")
        members.options.scroll_to(y=2, animate=False, immediate=True)
        doc = explorer(app).query_one(DocView)
        doc.scroll_to(y=5, animate=False, immediate=True)
        await pilot.pause()
        assert (members.options.scroll_y, doc.scroll_y) == (2, 5)

        import_gate()
        await wait_for(pilot, is_loaded(app, "instantpkg"))
        await wait_for(pilot, lambda: list(doc.query(ExampleRunner)))  # the live doc is in
        await pilot.pause()
        assert selected(app) == "Lens"
        assert (members.options.scroll_y, doc.scroll_y) == (2, 5)


async def test_a_data_members_value_waits_for_the_live_object(
    instantpkg_index: Path, import_gate: Callable[[], None]
) -> None:
    app = create_app("instantpkg", timeout=30.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, painted_from_index(app, "instantpkg"))
        explorer(app).query_one(MemberList).select("APERTURE")
        await wait_for(pilot, lambda: doc_qualname(app) == "instantpkg.APERTURE")
        assert "its value" in (pending_note(app) or "")
        assert "2.8" not in doc_markdown(app), "no value is made up"
        import_gate()
        await wait_for(pilot, is_loaded(app, "instantpkg"))
        await wait_for(pilot, lambda: "APERTURE = 2.8" in doc_markdown(app))


async def test_a_worker_that_dies_leaves_the_index_view_up_with_the_error(
    instantpkg_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSTANTPKG_CRASH", "1")
    app = create_app("instantpkg", timeout=30.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: explorer(app).status.state == "error", timeout=30)
        assert "shown: what the index knows" in str(explorer(app).status.render())
        assert listed(app) == ["Lens", "focal_length", "legacy", "APERTURE", "optics"]
        assert marker(app) == "from index (instantpkg unversioned)"
        await wait_for(pilot, lambda: "not there" in (pending_note(app) or ""), timeout=30)
        assert "Lenses and rings" in doc_markdown(app)


async def test_an_index_of_another_version_is_never_painted(
    instantpkg_cache: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    import_gate: Callable[[], None],
) -> None:
    """instantpkg 1.0 was indexed; 2.0 is installed: the target loads live only."""
    cache = tmp_path / "cache"
    old, new = tmp_path / "site-1.0", tmp_path / "site-2.0"
    for site, version in ((old, "1.0"), (new, "2.0")):
        shutil.copytree(FIXTURES / "instantpkg", site / "instantpkg")
        info = site / f"instantpkg-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Name: instantpkg\nVersion: {version}\n")
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(cache))
    with monkeypatch.context() as building:
        building.delenv("INSTANTPKG_GATE")
        building.syspath_prepend(str(old))
        ensure_index("instantpkg").index.close()  # the 1.0 index
    monkeypatch.syspath_prepend(str(new))
    assert list((cache / "index").glob("instantpkg-1.0-*.sqlite"))

    app = create_app("instantpkg", timeout=30.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: explorer(app).member_list.loading)
        assert explorer(app).listing is None and marker(app) == ""
        import_gate()
        await wait_for(pilot, is_loaded(app, "instantpkg"))
        assert marker(app) == "" and "legacy" not in listed(app)


@pytest.mark.parametrize("damage", ["corrupt", "stale"])
async def test_a_bad_index_at_start_up_loads_live_with_a_note(
    damage: str, instantpkg_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(instantpkg_cache, cache)
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(cache))
    index_file = next((cache / "index").glob("instantpkg-*.sqlite"))
    if damage == "corrupt":
        index_file.write_bytes(b"not a database at all" * 200)
        note = "unreadable"
    else:  # the package's files changed since the index was built
        site = tmp_path / "site"
        shutil.copytree(FIXTURES / "instantpkg", site / "instantpkg")
        (site / "instantpkg" / "added.py").write_text('"""New since the index."""\n')
        monkeypatch.syspath_prepend(str(site))
        note = "out of date"
    app = create_app("instantpkg", timeout=30.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "instantpkg"))
        status = explorer(app).status
        assert note in status.what and "rebuilding it in the background" in status.what
        assert not [n for n in app._notifications if note in str(n.message)]  # not over the docs
        assert marker(app) == "" and status.state != "error"
        assert "legacy" not in listed(app)
    # The refused index is rebuilt by a detached builder, as a search would.
    deadline = time.monotonic() + 60
    while (index := open_current("instantpkg")[0]) is None:
        assert time.monotonic() < deadline, "the refused index was not rebuilt"
        await asyncio.sleep(0.2)
    index.close()


@pytest.mark.parametrize("target", ["instantpkg.optics.no_such_name", "tui_sample"])
async def test_a_target_the_index_does_not_know_loads_live(
    target: str, instantpkg_index: Path, import_gate: Callable[[], None]
) -> None:
    app = create_app(target, timeout=30.0)
    async with app.run_test(size=SIZE) as pilot:
        import_gate()
        await wait_for(pilot, lambda: not explorer(app).status.working)
        assert marker(app) == "" and explorer(app).early is None
        if target == "tui_sample":
            assert "Circle" in listed(app)
        else:
            assert "Cannot open" in doc_markdown(app)


async def test_the_home_screen_searches_at_once_while_the_worker_warms(
    instantpkg_index: Path, import_gate: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No target: the recent targets are on screen and the palette answers from the index
    while the worker is still importing the latest recent target's package; the hit opens
    on the index's paint."""
    monkeypatch.setattr(settings, "WARM_PACKAGES", ("instantpkg",))
    RecentTargets().add("instantpkg.Lens")
    app = create_app(None, timeout=30.0)
    async with app.run_test(size=SIZE) as pilot:
        choices = app.screen.query_one("#home-choices", OptionList)
        assert choices.get_option_index("recent:instantpkg.Lens") == 1
        assert (await app.backend.client()).warm == ["instantpkg"]  # held at the gate

        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        app.screen.query_one(CommandInput).value = "focal_length"
        results = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: "instantpkg.focal_length" in palette_hits(results))
        results.highlighted = palette_hits(results).index("instantpkg.focal_length")
        await pilot.press("enter")
        await wait_for(pilot, painted_from_index(app, "instantpkg.focal_length"))
        assert "The focal length of a lens" in doc_markdown(app)
        assert explorer(app).status.working  # still importing: this came from the index
        import_gate()
        await wait_for(pilot, is_loaded(app, "instantpkg.focal_length"))


def palette_hits(results: CommandList) -> list[str]:
    return [str(option.prompt).split()[0] for option in results.options]


def test_start_up_leaves_what_the_first_frame_does_not_need_for_later() -> None:
    """explorer.tui.deferred: the runner, example running, docutils, the docstring parser
    and Textual's Markdown widget load on first use, not before the first frame."""
    code = (
        "import sys\n"
        "from explorer.tui.app import create_app\n"
        "create_app('instantpkg')\n"
        "later = ('xdoctest', 'docutils', 'docstring_parser', 'markdown_it', 'textual_plotext',\n"
        "         'explorer.tui.screens.runner', 'explorer.core.render.rst')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in later or m in later))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_a_package_opened_later_is_painted_from_its_index_too(
    instantpkg_index: Path, import_gate: Callable[[], None]
) -> None:
    """The start-up target has no index; the next one has (its index is opened then)."""
    app = create_app("tui_sample", timeout=30.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        assert marker(app) == ""
        explorer(app).open_target("instantpkg")
        await wait_for(pilot, painted_from_index(app, "instantpkg"))
        assert marker(app) == "from index (instantpkg unversioned)"
        import_gate()
        await wait_for(pilot, is_loaded(app, "instantpkg"))
        assert marker(app) == ""
