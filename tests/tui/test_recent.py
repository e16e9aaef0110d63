"""Recent targets live in the user data dir (a temp dir in tests)."""

from __future__ import annotations

from pathlib import Path

from explorer.tui.services.recent import RecentTargets, data_dir


def test_data_dir_follows_the_override(isolated_data_dir: Path) -> None:
    assert data_dir() == isolated_data_dir
    assert RecentTargets().path == isolated_data_dir / "recent.json"


def test_most_recent_first_without_duplicates() -> None:
    recent = RecentTargets(limit=3)
    for target in ("json", "torch", "json", "collections", "builtins"):
        recent.add(target)
    assert recent.load() == ["builtins", "collections", "json"]
    assert RecentTargets().load()[:1] == ["builtins"]  # persisted on disk


def test_a_broken_file_reads_as_empty(isolated_data_dir: Path) -> None:
    isolated_data_dir.mkdir(parents=True)
    (isolated_data_dir / "recent.json").write_text("{not json")
    assert RecentTargets().load() == []
    assert RecentTargets().add("json") == ["json"]
