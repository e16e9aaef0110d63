"""Pilot/snapshot fixtures: a temp data dir, no cursor blink, fixture modules importable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input

from explorer.tui.app import ExplorerApp, create_app
from explorer.tui.recent import DATA_DIR_ENV


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(data))
    return data


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
