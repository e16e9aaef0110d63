"""The synonym table: parsed once, kept in the cache dir, parsed again when the file changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.core.search import vocab


@pytest.fixture
def tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data folder of our own (synonyms.tsv, stopwords.txt) and an empty cache dir."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "stopwords.txt").write_text("a\nin\nthe\n")
    (data / "synonyms.tsv").write_text("# comment\nfolder\tdirectory\nfiles in a folder\tlistdir\n")
    monkeypatch.setattr(vocab, "_DATA", data)
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path / "cache"))
    vocab.stop_words.cache_clear()
    vocab.synonyms.cache_clear()
    yield data
    vocab.stop_words.cache_clear()
    vocab.synonyms.cache_clear()


def stored(tables: Path) -> list[Path]:
    return sorted((tables.parent / "cache" / "index").glob("synonyms-*.json"))


def test_the_parsed_table_is_kept_and_read_back_the_same(tables: Path) -> None:
    parsed = vocab.synonyms()
    assert parsed[("folder",)] == ("directory",)
    assert parsed[("files", "folder")] == ("listdir",)  # also without its stop-words
    assert len(stored(tables)) == 1
    vocab.synonyms.cache_clear()
    assert vocab.synonyms() == parsed


def test_an_edited_table_is_parsed_again_and_the_old_copy_dropped(tables: Path) -> None:
    vocab.synonyms()
    first = stored(tables)
    (tables / "synonyms.tsv").write_text("folder\tdirectory path\n")
    vocab.synonyms.cache_clear()
    assert vocab.synonyms() == {("folder",): ("directory", "path")}
    assert len(stored(tables)) == 1 and stored(tables) != first


def test_a_damaged_copy_is_parsed_again(tables: Path) -> None:
    parsed = vocab.synonyms()
    for copy in stored(tables):
        copy.write_text('{"not": "a table"')
    vocab.synonyms.cache_clear()
    assert vocab.synonyms() == parsed


def test_an_unwritable_cache_dir_only_means_parsing(
    tables: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tables.parent / "blocker"
    blocker.write_text("a file where the cache dir should be")
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(blocker))
    assert vocab.synonyms()[("folder",)] == ("directory",)
