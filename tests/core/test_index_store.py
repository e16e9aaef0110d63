"""The index file: meta, atomic replacement, corrupt files and an unwritable cache dir."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from explorer.core.search.store import (
    IndexCorrupt,
    IndexKey,
    IndexOutdated,
    cache_dir,
    open_index,
    store_index,
)

KEY = IndexKey("demo", "1.2", "3.11")


def rows(*names: str) -> list[dict[str, Any]]:
    return [
        {"name": name, "kind": "function", "summary": f"Does {name}.", "doc": f"Does {name}.",
         "signature": "()", "defined_in": "demo"}
        for name in names
    ]  # fmt: skip


@pytest.fixture(autouse=True)
def temp_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_cache_dir_honours_the_environment(temp_cache: Path) -> None:
    assert cache_dir() == temp_cache / "index"
    assert KEY.path == temp_cache / "index" / "demo-1.2-py3.11.sqlite"


def test_meta_records_what_the_index_was_built_from() -> None:
    store_index(KEY, "abc123", rows("demo.alpha", "demo.beta"), ["skipped demo.gamma"]).close()
    index = open_index(KEY)
    assert index is not None
    assert index.meta["package"] == "demo"
    assert index.meta["version"] == "1.2"
    assert index.meta["python"] == "3.11"
    assert index.fingerprint == "abc123"
    assert index.meta["built_at"].endswith("Z")
    assert index.entry_count == 2
    assert index.notes == ["skipped demo.gamma"]
    assert not index.in_memory


def test_temp_files_of_killed_builds_are_swept(tmp_path: Path) -> None:
    folder = KEY.path.parent
    folder.mkdir(parents=True)
    abandoned, recent = folder / "demo-old.x.building", folder / "demo-new.y.building"
    abandoned.write_text("half a database")
    recent.write_text("a build in progress")
    os.utime(abandoned, (1_000_000, 1_000_000))
    store_index(KEY, "fp", rows("demo.alpha"), []).close()
    assert not abandoned.exists()
    assert recent.exists()


def test_a_missing_index_is_none() -> None:
    assert open_index(KEY) is None


def test_replacing_keeps_open_readers_on_their_snapshot() -> None:
    store_index(KEY, "one", rows("demo.alpha"), []).close()
    reader = open_index(KEY)
    assert reader is not None
    store_index(KEY, "two", rows("demo.beta"), []).close()
    assert [hit.name for hit in reader.search("alpha", 5)] == ["demo.alpha"]
    fresh = open_index(KEY)
    assert fresh is not None and fresh.fingerprint == "two"
    assert [hit.name for hit in fresh.search("beta", 5)] == ["demo.beta"]
    leftovers = sorted(path.name for path in KEY.path.parent.iterdir())
    assert leftovers == [KEY.path.name]  # no temp, -wal or -shm files


@pytest.mark.parametrize("content", [b"this is not a database" * 100, b"", b"SQLite format 3\x00"])
def test_a_corrupt_file_is_reported(content: bytes) -> None:
    KEY.path.parent.mkdir(parents=True)
    KEY.path.write_bytes(content)
    with pytest.raises(IndexCorrupt):
        open_index(KEY)


def test_another_package_or_format_counts_as_corrupt() -> None:
    store_index(IndexKey("other", "1.2", "3.11"), "x", rows("other.a"), []).close()
    IndexKey("other", "1.2", "3.11").path.rename(KEY.path)
    with pytest.raises(IndexCorrupt):
        open_index(KEY)


def test_an_index_from_another_explorer_version_is_outdated() -> None:
    store_index(KEY, "fp", rows("demo.alpha"), []).close()
    with sqlite3.connect(KEY.path) as connection:
        connection.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
    connection.close()
    with pytest.raises(IndexOutdated, match="another explorer version"):
        open_index(KEY)


def test_unwritable_cache_dir_falls_back_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache dir should be")
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(blocker))
    index = store_index(KEY, "fp", rows("demo.alpha"), [])
    assert index.in_memory
    assert any("not writable" in note and "in memory" in note for note in index.notes)
    assert [hit.name for hit in index.search("alpha", 5)] == ["demo.alpha"]
