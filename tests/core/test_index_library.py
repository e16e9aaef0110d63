"""Searching every stored index at once: routing by the first segment, merged ranking."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.core.search import vocab
from explorer.core.search.collect import entries_for_module
from explorer.core.search.library import Library, index_home, stored_packages
from explorer.core.search.merge import merge
from explorer.core.search.names import IndexKey, environment_tag, package_version, python_tag
from explorer.core.search.query import parse_query
from explorer.core.search.store import store_index


def build(package: str, modules: list[str]) -> None:
    seen: dict[str, tuple[str, str]] = {}
    rows, aliases = merge(e for module in modules for e in entries_for_module(module, seen))
    key = IndexKey(package, package_version(package), python_tag())
    store_index(key, "fp", rows, [], aliases=aliases).close()


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path))
    build("searchpkg", ["searchpkg", "searchpkg.shapes", "searchpkg.linalg"])
    build("stdlib", ["builtins", "json", "json.decoder"])
    opened = Library.open()
    yield opened
    opened.close()


def names(library: Library, query: str) -> list[str]:
    return [hit.name for hit in library.search(query, 10)]


def test_every_stored_index_is_opened(library: Library) -> None:
    assert stored_packages() == ["searchpkg", "stdlib"]
    assert sorted(library.indexes) == ["searchpkg", "stdlib"]
    assert index_home("json") == "stdlib" and index_home("builtins") == "stdlib"
    assert index_home("searchpkg") == "searchpkg"


def test_a_first_segment_naming_a_package_routes_the_query(library: Library) -> None:
    assert names(library, "json.dumps")[0] == "json.dumps"
    assert names(library, "builtins.print")[0] == "builtins.print"
    assert names(library, "jsn.dumps")[0] == "json.dumps"  # a typo: every index is asked
    hits = library.search("json.loads", 3)
    assert hits[0].package == "stdlib"


def test_other_queries_rank_every_index_together(library: Library) -> None:
    assert names(library, "greet")[0] == "searchpkg.greet"
    assert names(library, "print")[0] == "builtins.print"
    assert names(library, "lower triangular matrix")[0] == "searchpkg.linalg.tril"
    assert names(library, "decode a json document")[0].startswith("json.")


def test_a_misspelled_name_is_found_in_whichever_index_has_it(library: Library) -> None:
    assert names(library, "gret")[0] == "searchpkg.greet"
    assert names(library, "dumsp")[0] == "json.dumps"
    assert names(library, "transpsoe")[0] == "searchpkg.linalg.transpose"


def test_a_scope_no_index_holds_says_so_with_the_nearest_names(library: Library) -> None:
    assert library.unknown_scope("greet in:serchpkg") == (
        "no index holds 'serchpkg' (did you mean searchpkg?)"
    )
    for held in ("greet in:searchpkg.shapes", "dumps in:json", "greet", "kind:class"):
        assert library.unknown_scope(held) == ""


def test_a_word_naming_a_package_favours_it(library: Library) -> None:
    assert names(library, "searchpkg transpose")[0].startswith("searchpkg.")


def test_a_package_name_that_is_a_stop_word_still_names_the_package(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "torch" is a stop-word (every torch name has it), yet "torch code timer" asks for
    torch's: here searchpkg stands in for it."""
    stops = vocab.stop_words() | {"searchpkg"}
    monkeypatch.setattr(vocab, "stop_words", lambda: stops)
    query = parse_query("searchpkg decode")
    assert query.words == ["decode"]
    assert library._named_packages(query) == {"searchpkg"}


def test_an_index_of_another_version_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path))
    seen: dict[str, tuple[str, str]] = {}
    rows, _ = merge(entries_for_module("searchpkg", seen))
    store_index(IndexKey("searchpkg", "0.0-old", python_tag()), "fp", rows, []).close()
    library = Library.open()
    assert library.indexes == {}
    library.close()


def test_a_version_is_read_from_metadata_folders_on_sys_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beside the package, elsewhere on sys.path, in an .egg-info name, or none at all."""
    site, other = tmp_path / "site", tmp_path / "other"
    for folder in ("beside", "elsewhere", "egged", "bare"):
        (site / folder).mkdir(parents=True)
        (site / folder / "__init__.py").write_text("")
    (site / "Beside-1.2.dist-info").mkdir()
    (other / "elsewhere-3.0.dist-info").mkdir(parents=True)
    (site / "egged-0.5-py3.11.egg-info").mkdir()
    monkeypatch.syspath_prepend(str(other))
    monkeypatch.syspath_prepend(str(site))
    versions = {name: package_version(name) for name in ("beside", "elsewhere", "egged", "bare")}
    assert versions == {"beside": "1.2", "elsewhere": "3.0", "egged": "0.5", "bare": "unversioned"}


def test_a_misspelled_word_reads_as_the_nearest_word_the_indexes_use(library: Library) -> None:
    assert names(library, "lower trianglar matrix")[0] == "searchpkg.linalg.tril"
    assert "searchpkg.Square" in names(library, "area of a sqaure")[:2]
    assert "searchpkg.Circle" in names(library, "circel area")[:2]


def test_the_word_counts_follow_the_indexes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted once beside the indexes; a new index brings its words."""
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path))
    build("stdlib", ["builtins", "json"])
    before = Library.open()
    assert not any("multinomial" in name for name in names(before, "multinomal coefficient"))
    before.close()
    build("searchpkg", ["searchpkg", "searchpkg.distributions"])
    after = Library.open()
    found = names(after, "multinomal coefficient")
    after.close()
    assert found[0] == "searchpkg.distributions.multinomial_coefficient"
    assert [path.name for path in (tmp_path / "index").glob("words-*")] == [
        f"words-{environment_tag()}.db"
    ]  # one file, rewritten in place: no partial file left behind


def test_unreadable_word_counts_mean_no_corrections_not_an_error(
    library: Library, tmp_path: Path
) -> None:
    for counts in (tmp_path / "index").glob("words-*.db"):
        counts.unlink()
    blocker = tmp_path / "index" / f"words-{environment_tag()}.db"
    blocker.mkdir()  # a directory where the file should be: sqlite cannot open it
    assert names(library, "lower triangular matrix")[0] == "searchpkg.linalg.tril"
    assert library.search("lower trianglar matrix", 5) is not None
