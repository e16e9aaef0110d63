"""The index file: meta, atomic replacement, corrupt files and an unwritable cache dir."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from explorer.core.errors import UsageError
from explorer.core.search.names import environment_tag
from explorer.core.search.store import (
    IndexCorrupt,
    IndexKey,
    IndexOutdated,
    cache_dir,
    is_corruption,
    open_index,
    safe_path,
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
    assert KEY.path == temp_cache / "index" / f"demo-1.2-{environment_tag()}.sqlite"


def test_each_environment_has_its_own_index_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two virtualenvs with the same torch version hold different files: one shared
    index would be stale for the other on every start."""
    here = KEY.path
    monkeypatch.setattr(sys, "prefix", "/some/other/venv")
    environment_tag.cache_clear()
    try:
        assert KEY.path != here and KEY.lock_path.name.startswith("demo-py3.11-")
    finally:
        environment_tag.cache_clear()


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
    assert any("cannot write" in note and "in memory" in note for note in index.notes)
    assert index.meta["notes"] == "[]"  # the note is not a skipped module
    assert [hit.name for hit in index.search("alpha", 5)] == ["demo.alpha"]


def test_a_directory_where_the_index_goes_is_reported_and_search_still_works() -> None:
    KEY.path.mkdir(parents=True)
    with pytest.raises(IndexCorrupt, match="is a directory"):
        open_index(KEY)
    index = store_index(KEY, "fp", rows("demo.alpha"), [])
    assert index.in_memory and [hit.name for hit in index.search("alpha", 5)] == ["demo.alpha"]
    assert KEY.path.is_dir()  # nothing of the user's removed


def test_a_relative_cache_dir_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLORER_CACHE_DIR", "relative_dir")
    with pytest.raises(UsageError, match="must be an absolute path"):
        cache_dir()


@pytest.mark.parametrize(
    "name", ["../victim", "/tmp/victim", "a/b", "", "torch.nn", "x" * 200, "café", "-rf"]
)
def test_package_names_are_checked_before_any_path_is_built(name: str) -> None:
    with pytest.raises(UsageError):
        IndexKey(name, "1.0", "3.11")
    with pytest.raises(UsageError):
        IndexKey.for_package(name)


def test_a_version_string_cannot_leave_the_cache_dir(temp_cache: Path) -> None:
    path = IndexKey("demo", "../../../etc/x", "3.11").path
    assert path.parent == temp_cache / "index"
    assert safe_path(temp_cache, "ok.sqlite") == temp_cache / "ok.sqlite"
    for bad in ("../x", "a/b", "..", ""):
        with pytest.raises(UsageError):
            safe_path(temp_cache, bad)


def test_lone_surrogates_in_names_and_docs_are_stored_replaced() -> None:
    bad = [{"name": "demo.bad\ud800", "kind": "function", "summary": "Odd \udcff text.",
            "doc": "Odd \udcff text.", "signature": "()"}]  # fmt: skip
    index = store_index(KEY, "fp", [*rows("demo.alpha"), *bad], [])
    found = index.search("odd text", 5)
    assert found and found[0].name == "demo.bad\ufffd" and "\ufffd" in found[0].summary


def test_only_real_corruption_counts_as_corruption() -> None:
    assert is_corruption(sqlite3.DatabaseError("file is not a database"))
    assert is_corruption(sqlite3.DatabaseError("database disk image is malformed"))
    assert not is_corruption(
        sqlite3.OperationalError("Expression tree is too large (maximum depth 1000)")
    )
    assert not is_corruption(sqlite3.OperationalError('fts5: syntax error near ""'))


def test_the_index_holds_what_a_listing_and_a_doc_view_need() -> None:
    from explorer.core.search.collect import entries_for_module
    from explorer.core.search.lookup import indexed_doc, indexed_members
    from explorer.core.search.merge import merge

    seen: dict[str, tuple[str, str]] = {}
    modules = ["searchpkg", "searchpkg.shapes", "searchpkg.distributions",
               "searchpkg.distributions.multinomial"]  # fmt: skip
    found, aliases = merge(e for module in modules for e in entries_for_module(module, seen))
    index = store_index(IndexKey("searchpkg", "1.0", "3.11"), "fp", found, [], aliases=aliases)
    listing = indexed_members(index, "searchpkg.Square")
    assert listing is not None and listing.kind == "class"
    members = {member.name: member for member in listing.members}
    assert members["area"].kind == "method"
    assert members["area"].inherited_from == "searchpkg.shapes.Shape"
    assert members["perimeter"].kind == "property"
    assert members["area"].summary == "Compute the enclosed area of the shape."
    doc = indexed_doc(index, "searchpkg.Square.area")
    assert doc is not None and doc.docstring == "Compute the enclosed area of the shape."
    assert doc.signature == "(self) -> float"
    circle = indexed_doc(index, "searchpkg.Circle")
    assert (
        circle is not None
        and circle.kind == "class"
        and circle.signature == "(radius: float = 1.0)"
    )
    assert circle.docstring == "A round shape given by its radius."
    # Under the name it was defined with, a class lists the same members.
    other = indexed_members(index, "searchpkg.distributions.multinomial.Multinomial")
    assert other is not None and {m.name for m in other.members} >= {"log_prob", "rsample"}
    module = indexed_members(index, "searchpkg.distributions")
    assert module is not None and {m.name for m in module.members} >= {"Multinomial"}
    assert indexed_doc(index, "searchpkg.nope") is None
    assert indexed_members(index, "searchpkg.greet") is None  # a function has no members
    index.close()
