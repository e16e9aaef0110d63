"""Ranking and filters over an index of the fixture package, built in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.core.search.collect import entries_for_module
from explorer.core.search.merge import merge_entries
from explorer.core.search.query import parse_query, score_name, word_spans
from explorer.core.search.store import IndexKey, SearchIndex, store_index

MODULES = [
    "searchpkg", "searchpkg.distributions", "searchpkg.distributions.multinomial",
    "searchpkg.hostile", "searchpkg.shapes",
]  # fmt: skip


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXPLORER_CACHE_DIR", str(cache))
        seen: dict[str, tuple[str, str]] = {}
        rows = merge_entries(e for module in MODULES for e in entries_for_module(module, seen))
        opened = store_index(IndexKey("searchpkg", "1.0", "3.11"), "fp", rows, [])
        yield opened
        opened.close()


def names(index: SearchIndex, query: str, limit: int = 10) -> list[str]:
    return [hit.name for hit in index.search(query, limit)]


def test_exact_name_ranks_first_with_its_span(index: SearchIndex) -> None:
    hit = index.search("Multinomial", 5)[0]
    assert hit.name == "searchpkg.distributions.Multinomial"
    assert hit.kind == "class"
    assert hit.name_spans == ((24, 35),)
    assert hit.summary == "Counts of outcomes over repeated categorical trials."


def test_lower_case_query_finds_module_class_and_prefix_matches(index: SearchIndex) -> None:
    found = names(index, "multinomial")
    assert set(found[:2]) == {
        "searchpkg.distributions.multinomial", "searchpkg.distributions.Multinomial",
    }  # fmt: skip
    assert "searchpkg.distributions.multinomial_coefficient" in found


def test_dotted_segments_match_at_boundaries(index: SearchIndex) -> None:
    hit = index.search("dist.Multi", 5)[0]
    assert hit.name == "searchpkg.distributions.Multinomial"
    assert hit.name_spans == ((10, 14), (24, 29))  # "dist" and "Multi"
    assert score_name(["dist", "multi"], hit.name)[0] > score_name(["multi"], hit.name)[0]


def test_docstring_words_find_objects_by_what_they_do(index: SearchIndex) -> None:
    assert "searchpkg.distributions.Multinomial" in names(index, "event log probabilities")
    assert names(index, "reparameterized sample")[0] == (
        "searchpkg.distributions.Multinomial.rsample"
    )
    hit = index.search("say hello", 1)[0]
    assert hit.name == "searchpkg.greet"
    assert [hit.summary[start:end] for start, end in hit.summary_spans] == ["Say", "hello"]


def test_fuzzy_subsequence_and_prefix(index: SearchIndex) -> None:
    assert names(index, "mltnml")[0].endswith("ultinomial")
    assert names(index, "gre")[0] == "searchpkg.greet"


def test_kind_and_in_filters(index: SearchIndex) -> None:
    classes = index.search("kind:class", 50)
    assert classes and {hit.kind for hit in classes} == {"class"}
    assert names(index, "kind:class in:searchpkg.distributions") == [
        "searchpkg.distributions.Multinomial"
    ]
    scoped = names(index, "area in:searchpkg.shapes")
    assert scoped and all(name.startswith("searchpkg.shapes") for name in scoped)
    assert names(index, "kind:property perimeter") == ["searchpkg.shapes.Shape.perimeter"]


def test_an_inherited_function_is_one_hit(index: SearchIndex) -> None:
    found = names(index, "area", 20)
    assert "searchpkg.shapes.Shape.area" in found  # the owner, with the docstring
    assert "searchpkg.Square.area" not in found  # the same function again
    assert "searchpkg.Circle.area" in found  # an override is its own hit
    # Asked for by its full name, the inherited entry is there.
    assert names(index, "Square.area")[0] == "searchpkg.Square.area"


def test_limit_and_empty_queries(index: SearchIndex) -> None:
    assert len(index.search("kind:method", 3)) == 3
    assert index.search("", 5) == []
    assert index.search("   ", 5) == []
    assert index.search("zzzzqqqq", 5) == []


def test_odd_characters_never_break_the_fts_query(index: SearchIndex) -> None:
    for text in ['"', "a AND", "NOT", "(", "*", "kind:", "in:", "x:y", "-", "'; DROP"]:
        index.search(text, 5)  # no exception is the assertion


def test_parse_query_pulls_filters_out_of_the_text() -> None:
    query = parse_query("kind:class,function in:torch.distributions log prob")
    assert query.kinds == ["class", "function"]
    assert query.within == "torch.distributions"
    assert query.words == ["log", "prob"]
    assert query.name == ""
    assert parse_query("dist.Multi").segments == ["dist", "Multi"]


def test_word_spans_match_stems() -> None:
    text = "Returns the event log probability of a value."
    spans = word_spans(text, ["event", "log", "probabilities"])
    assert [text[start:end] for start, end in spans] == ["event", "log", "probability"]


def test_no_side_files_next_to_a_read_index(index: SearchIndex) -> None:
    folder = Path(index.connection.execute("PRAGMA database_list").fetchone()[2]).parent
    assert sorted(path.suffix for path in folder.iterdir()) == [".sqlite"]
