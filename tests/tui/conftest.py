"""Pilot/snapshot fixtures: a temp data dir, no animations or cursor blink, fixture modules
importable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import textual.constants
from textual.widgets import Input

from explorer.tui.app import ExplorerApp, create_app
from explorer.tui.services.recent import DATA_DIR_ENV


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(data))
    return data


@pytest.fixture(autouse=True)
def isolated_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No index the user built (a torch index paints torch targets first) reaches a test."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(cache))
    return cache


@pytest.fixture(autouse=True)
def no_animations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot waits for every animation after each key (0.4 s for a tab switch's underline)."""
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor makes screenshots depend on timing."""
    original = Input.__init__

    def init(self: Input, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", init)


@pytest.fixture
def make_app() -> Callable[..., ExplorerApp]:
    """The CLI's app factory with a test-sized request timeout."""

    def make(target: str | None = None, timeout: float = 20.0) -> ExplorerApp:
        return create_app(target, timeout=timeout)

    return make


SEARCHPKG_MODULES = ["searchpkg", "searchpkg.distributions", "searchpkg.distributions.multinomial",
                     "searchpkg.shapes"]  # fmt: skip


@pytest.fixture
def searchpkg_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh index of the searchpkg fixture (built in-process: no importer children)."""
    from explorer.core.search.collect import entries_for_module
    from explorer.core.search.merge import merge_entries
    from explorer.core.search.store import IndexKey, store_index
    from explorer.core.search.walk import package_files

    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path / "cache"))
    seen: dict[str, tuple[str, str]] = {}
    entries = (e for module in SEARCHPKG_MODULES for e in entries_for_module(module, seen))
    fingerprint = package_files("searchpkg").fingerprint
    store_index(IndexKey.for_package("searchpkg"), fingerprint, merge_entries(entries), []).close()


@pytest.fixture(scope="module")
def instantpkg_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache dir with the index of the instantpkg fixture, built as `explore --index`
    builds it (importer children: this process never imports instantpkg). It was built
    with a plugin, `legacy`, that the tests' workers never load: index and live differ."""
    from explorer.proc.search.build import ensure_index

    cache = tmp_path_factory.mktemp("instantpkg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXPLORER_CACHE_DIR", str(cache))
        patch.setenv("INSTANTPKG_PLUGINS", "legacy")
        patch.delenv("INSTANTPKG_GATE", raising=False)
        ensure_index("instantpkg").index.close()
    return cache


@pytest.fixture
def instantpkg_index(instantpkg_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(instantpkg_cache))
    return instantpkg_cache


@pytest.fixture
def import_gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Workers hold `import instantpkg` until the returned function is called (a slow
    import, ended when the test has looked at what the index painted)."""
    path = tmp_path / "gate-open"
    monkeypatch.setenv("INSTANTPKG_GATE", str(path))
    return path.touch
