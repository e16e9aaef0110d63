"""Ranking and filters over an index of the fixture package, built in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.core.search.collect import entries_for_module
from explorer.core.search.merge import merge
from explorer.core.search.query import QueryError, parse_query
from explorer.core.search.rank import rank
from explorer.core.search.records import Candidate
from explorer.core.search.scoring import score_name
from explorer.core.search.store import IndexKey, SearchIndex, store_index
from explorer.core.search.text import word_spans
from explorer.core.search.vocab import query_terms

MODULES = [
    "searchpkg", "searchpkg.distributions", "searchpkg.distributions.multinomial",
    "searchpkg.hostile", "searchpkg.shapes", "searchpkg.linalg",
]  # fmt: skip


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXPLORER_CACHE_DIR", str(cache))
        seen: dict[str, tuple[str, str]] = {}
        rows, aliases = merge(e for module in MODULES for e in entries_for_module(module, seen))
        key = IndexKey("searchpkg", "1.0", "3.11")
        opened = store_index(key, "fp", rows, [], aliases=aliases)
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


def test_a_class_comes_before_the_module_of_the_same_name(index: SearchIndex) -> None:
    assert names(index, "multinomial")[:2] == [
        "searchpkg.distributions.Multinomial", "searchpkg.distributions.multinomial",
    ]  # fmt: skip
    assert names(index, "Multinomial")[0] == "searchpkg.distributions.Multinomial"
    assert "searchpkg.distributions.multinomial_coefficient" in names(index, "multinomial")


def test_dotted_segments_match_at_boundaries(index: SearchIndex) -> None:
    hit = index.search("dist.Multi", 5)[0]
    assert hit.name == "searchpkg.distributions.Multinomial"
    assert hit.name_spans == ((10, 14), (24, 29))  # "dist" and "Multi"
    assert score_name(["dist", "multi"], hit.name)[0] > score_name(["multi"], hit.name)[0]


def test_other_names_of_an_object_find_it(index: SearchIndex) -> None:
    # Defined in searchpkg.distributions.multinomial, shown under its shortest public path.
    found = names(index, "searchpkg.distributions.multinomial.Multinomial")
    assert found[0] == "searchpkg.distributions.Multinomial"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Mulitnomial", "searchpkg.distributions.Multinomial"),  # swapped letters
        ("multinomail", "searchpkg.distributions.multinomial"),
        ("Multinomal", "searchpkg.distributions.Multinomial"),  # a letter left out
        ("transpsoe", "searchpkg.linalg.transpose"),
        ("dist.Multinomail", "searchpkg.distributions.Multinomial"),
        ("distributoins.Multinomial", "searchpkg.distributions.Multinomial"),  # typo in a prefix
        ("mltnml", "searchpkg.distributions.multinomial"),  # letters in order
    ],
)
def test_typos_find_the_name(index: SearchIndex, typed: str, meant: str) -> None:
    assert names(index, typed)[0].lower() == meant.lower()


def test_nothing_close_answers_with_guesses_not_silence(index: SearchIndex) -> None:
    hits = index.search("multinomiallllx", 5)
    assert hits and all(hit.guess for hit in hits)
    assert hits[0].name.lower().endswith("multinomial")
    assert not any(hit.guess for hit in index.search("Multinomial", 5))
    assert index.search("zzzzqqqq", 5) == []  # nothing near at all


def test_docstring_words_find_objects_by_what_they_do(index: SearchIndex) -> None:
    assert names(index, "reparameterized sample")[0] == (
        "searchpkg.distributions.Multinomial.rsample"
    )
    hit = index.search("say hello", 1)[0]
    assert hit.name == "searchpkg.greet"
    assert [hit.summary[start:end] for start, end in hit.summary_spans] == ["Say", "hello"]


def test_plain_language_with_stop_words_and_synonyms(index: SearchIndex) -> None:
    # Every word of the sentence need not occur: "keep", "only", "the", "of" do not.
    assert names(index, "keep only the lower triangle of a matrix")[0] == "searchpkg.linalg.tril"
    # The one English word in swap_objects' name must not beat docs that say it all.
    assert names(index, "swap two dimensions")[0] == "searchpkg.linalg.transpose"
    assert names(index, "approximately equal")[0] == "searchpkg.linalg.isclose"


def test_an_alias_stub_folds_into_its_target(index: SearchIndex) -> None:
    hits = index.search("transpose", 5)
    assert hits[0].name == "searchpkg.linalg.transpose"
    assert "searchpkg.linalg.swapaxes" in hits[0].also
    assert "searchpkg.linalg.swapaxes" not in [hit.name for hit in hits]
    # Asked for by its own full name, the stub is there.
    assert names(index, "linalg.swapaxes")[0] == "searchpkg.linalg.swapaxes"


def test_a_class_before_its_methods_and_documented_before_not(index: SearchIndex) -> None:
    assert names(index, "shape")[0] == "searchpkg.shapes.Shape"
    found = names(index, "helper")
    assert found.index("searchpkg.linalg.helper_with_docs") < found.index(
        "searchpkg.linalg.undocumented_helper"
    )


def test_kind_and_in_filters(index: SearchIndex) -> None:
    classes = index.search("kind:class", 50)
    assert classes and {hit.kind for hit in classes} == {"class"}
    assert names(index, "kind:class in:searchpkg.distributions") == [
        "searchpkg.distributions.Multinomial"
    ]
    scoped = names(index, "area in:searchpkg.shapes")
    assert scoped and all(name.startswith("searchpkg.shapes") for name in scoped)
    assert names(index, "kind:property perimeter") == ["searchpkg.shapes.Shape.perimeter"]
    assert names(index, "matrix kind:function")[0] == "searchpkg.linalg.tril"


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


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ('"greet"', "searchpkg.greet"), ("greet AND", "searchpkg.greet"),
        ("NOT greet", "searchpkg.greet"), ("(greet", "searchpkg.greet"),
        ("greet*", "searchpkg.greet"), ("'; DROP greet", "searchpkg.greet"),
        ("greet()", "searchpkg.greet"), ("kind: greet", "searchpkg.greet"),
    ],
)  # fmt: skip
def test_fts_syntax_in_a_query_is_just_text(index: SearchIndex, text: str, first: str) -> None:
    assert names(index, text)[0] == first


def test_a_query_that_is_too_long_or_deep_is_refused_and_the_index_kept(
    index: SearchIndex,
) -> None:
    with pytest.raises(QueryError, match="too deep"):
        index.search(".".join(["a"] * 40), 5)
    with pytest.raises(QueryError, match="too long"):
        index.search("word " * 500, 5)
    assert names(index, "greet")[0] == "searchpkg.greet"  # still answers


def test_parse_query_pulls_filters_out_of_the_text() -> None:
    query = parse_query("kind:class,function in:torch.distributions log prob")
    assert query.kinds == ("class", "function")
    assert query.within == "torch.distributions"
    assert query.words == ["log", "prob"]
    assert query.name == ""
    assert parse_query("dist.Multi").segments == ["dist", "Multi"]
    assert parse_query("F.relu").expanded == ["torch", "nn", "functional", "relu"]
    assert parse_query("how do I keep the lower triangle").words == ["lower", "triangle"]


def test_word_spans_match_stems() -> None:
    text = "Returns the event log probability of a value."
    spans = word_spans(text, ["event", "log", "probabilities"])
    assert [text[start:end] for start, end in spans] == ["event", "log", "probability"]


def test_no_side_files_next_to_a_read_index(index: SearchIndex) -> None:
    folder = Path(index.connection.execute("PRAGMA database_list").fetchone()[2]).parent
    side_files = [path.name for path in folder.iterdir()
                  if path.name.endswith(("-wal", "-shm", "-journal"))]  # fmt: skip
    assert side_files == []
    assert [path.suffix for path in folder.iterdir()].count(".sqlite") == 1


def _candidate(name: str, kind: str, relevance: float, package: str = "pkg") -> Candidate:
    return Candidate(
        id=hash(name), name=name, kind=kind, group=name, primary=True, prior=0.0,
        alias_of=None, summary="", signature="", defined_in=None, package=package,
        relevance=relevance, coverage=1.0,
    )  # fmt: skip


def test_plain_words_rank_a_class_before_its_module_and_the_function_named_like_it() -> None:
    found = [
        _candidate("pkg.optim.adam", "module", 9.0),
        _candidate("pkg.optim.adam.adam", "function", 8.0),
        _candidate("pkg.optim.Adam", "class", 5.0),
        _candidate("pkg.optim.lbfgs", "module", 7.0),  # no class of that name: untouched
    ]
    hits = rank(found, 4, parse_query("adam optimizer algorithm"))
    assert [hit.name for hit in hits] == [
        "pkg.optim.Adam", "pkg.optim.adam", "pkg.optim.adam.adam", "pkg.optim.lbfgs",
    ]  # fmt: skip


def test_a_word_only_one_package_uses_ranks_that_package_higher() -> None:
    found = [_candidate("alpha.zeros_like", "function", 9.0, "alpha"),
             _candidate("beta.zeros_like", "function", 8.0, "beta")]  # fmt: skip
    query = parse_query("zeros shaped like another tensor")
    assert rank(found, 2, query)[0].name == "alpha.zeros_like"
    assert rank(found, 2, query, implied=frozenset({"beta"}))[0].name == "beta.zeros_like"


def test_a_hit_lists_the_other_names_of_its_object(index: SearchIndex) -> None:
    hit = index.search("searchpkg.shapes.describe", 1)[0]
    assert "searchpkg.geometry.describe" in hit.also


def test_the_same_function_in_several_packages_comes_from_the_favoured_one_first() -> None:
    found = [_candidate("numpy.cumsum", "function", 9.0, "numpy"),
             _candidate("torch.cumsum", "function", 8.0, "torch")]  # fmt: skip
    assert rank(found, 2, parse_query("running total of values"))[0].name == "torch.cumsum"
    named = rank(found, 2, parse_query("numpy running total"), named=frozenset({"numpy"}))
    assert named[0].name == "numpy.cumsum"  # the query says which


def test_a_word_that_implies_a_package_picks_its_twin_however_the_words_score() -> None:
    found = [_candidate("torch.allclose", "function", 9.0, "torch"),
             _candidate("numpy.allclose", "function", 3.0, "numpy")]  # fmt: skip
    query = parse_query("check two arrays are almost equal")
    assert rank(found, 2, query)[0].name == "torch.allclose"
    implied = rank(found, 2, query, implied=frozenset({"numpy"}))  # "arrays": numpy's
    assert [hit.name for hit in implied] == ["numpy.allclose", "torch.allclose"]


def test_a_named_standard_library_module_lifts_its_names_not_the_whole_library() -> None:
    found = [_candidate("pickle.dumps", "function", 9.0, "stdlib"),
             _candidate("json.dumps", "function", 8.0, "stdlib")]  # fmt: skip
    hits = rank(found, 2, parse_query("json dumps to text"), named=frozenset({"json"}))
    assert [hit.name for hit in hits] == ["json.dumps", "pickle.dumps"]


def test_a_capitalised_name_asks_for_the_class_not_the_function() -> None:
    function = _candidate("pkg.bernoulli", "function", 0.0)
    method = _candidate("pkg.Tensor.bernoulli", "method", 0.0)
    klass = _candidate("pkg.distributions.Bernoulli", "class", 0.0)
    query = parse_query("Bernoulli")
    for candidate in (function, method, klass):
        candidate.name_score = score_name(query.segments, candidate.name)[0]
    method.prior = function.prior + 2.0  # shared by many classes, as Tensor methods are
    assert [hit.name for hit in rank([function, method, klass], 3, query)][0] == klass.name


def test_a_phrase_with_a_stop_word_inside_is_still_the_phrase() -> None:
    terms = {term.word: term.alternatives for term in query_terms("fix some arguments")}
    assert "partial" in terms["fix"] and "partial" in terms["arguments"]
    assert "some" not in terms


def test_hyphenated_and_long_phrases_of_the_table_match_as_queries_are_read() -> None:
    """Keys are split at hyphens like queries ("kullback-leibler"), may have four words as
    typed ("files in a folder"), and match without their stop-words ("files of folder")."""
    kl = {term.word: term.alternatives for term in query_terms("kullback-leibler divergence")}
    assert "kl_divergence" in kl["kullback"] and "kl_divergence" in kl["leibler"]
    for typed in ("files in a folder", "the files of my folder"):
        terms = {term.word: term.alternatives for term in query_terms(typed)}
        assert "listdir" in terms["files"] and "listdir" in terms["folder"]


def test_a_phrase_matches_with_one_other_word_inside_it() -> None:
    terms = {term.word: term.alternatives for term in query_terms("fit a straight line")}
    assert "polyfit" in terms["fit"] and "polyfit" in terms["line"]
    assert terms["straight"] == ()  # the word between is not part of the phrase
    apart = {term.word: term.alternatives for term in query_terms("fit this straight red line")}
    assert "polyfit" not in apart["fit"]  # two words between: no longer the phrase


def test_plain_words_that_name_no_package_get_a_hit_from_another_package_in_the_top_five() -> None:
    found = [_candidate(f"torch.sort{number}", "function", 10.0 - number, "torch")
             for number in range(8)]  # fmt: skip
    found.append(_candidate("builtins.sorted", "function", 1.0, "stdlib"))
    query = parse_query("sort the items")
    ranked = [hit.name for hit in rank(found, 10, query)]
    assert ranked[4] == "builtins.sorted" and ranked[:4] == [f"torch.sort{n}" for n in range(4)]
    named = [hit.name for hit in rank(found, 10, query, frozenset({"torch"}))]
    assert named[4] == "torch.sort4"  # the query names the package: no other one is added


def test_methods_of_one_name_and_summary_in_many_classes_are_one_hit() -> None:
    found = [_candidate(f"pkg.Lazy{kind}.initialize_parameters", "method", 5.0 - number)
             for number, kind in enumerate(("Conv1d", "Conv2d", "Linear"))]  # fmt: skip
    for candidate in found:
        candidate.summary = "Initialize parameters according to the input batch properties."
    found.append(_candidate("pkg.init.uniform_", "function", 1.0))
    hits = rank(found, 5, parse_query("initialize parameters"))
    assert [hit.name for hit in hits] == [
        "pkg.LazyConv1d.initialize_parameters",
        "pkg.init.uniform_",
    ]
    assert hits[0].also == ("pkg.LazyConv2d.initialize_parameters",
                            "pkg.LazyLinear.initialize_parameters")  # fmt: skip


def test_plain_words_naming_a_ranked_down_namespace_take_its_weight_back() -> None:
    """torch.cuda is a backend namespace (its copies rank below torch.accelerator's), but
    "is a gpu available" (gpu ~ cuda) asks for it."""
    copy = _candidate("pkg.cuda.is_available", "function", 5.0)
    canonical = _candidate("pkg.accelerator.is_available", "function", 5.0)
    copy.prior, canonical.prior = -0.5, 4.0  # cuda's namespace weight is -4.5
    assert rank([canonical, copy], 2, parse_query("is a gpu available"))[0].name == copy.name
    other = rank([canonical, copy], 2, parse_query("is an accelerator available"))
    assert other[0].name == canonical.name


def test_a_module_word_that_is_inside_a_named_package_belongs_to_that_package() -> None:
    """ "random integers with numpy": numpy.random, not Python's own random module."""
    found = [
        _candidate("random.randint", "function", 10.0, "stdlib"),
        _candidate("numpy.random.randint", "function", 6.0, "numpy"),
    ]
    query = parse_query("random integers with numpy")
    ranked = [hit.name for hit in rank(found, 2, query, frozenset({"random", "numpy"}))]
    assert ranked == ["numpy.random.randint", "random.randint"]
    found[1] = _candidate("numpy.integers", "function", 9.0, "numpy")  # no numpy.random
    both = [hit.name for hit in rank(found, 2, query, frozenset({"random", "numpy"}))]
    assert both == ["random.randint", "numpy.integers"]  # both named, the words decide


def test_a_conversion_the_wrong_way_round_ranks_below_the_right_one() -> None:
    found = [
        _candidate("pkg.from_numpy", "function", 10.0),
        _candidate("pkg.Tensor.numpy", "method", 7.0),
    ]
    to_numpy = [hit.name for hit in rank(found, 2, parse_query("convert a tensor to numpy"))]
    assert to_numpy == ["pkg.Tensor.numpy", "pkg.from_numpy"]
    from_numpy = [hit.name for hit in rank(found, 2, parse_query("tensor from numpy"))]
    assert from_numpy == ["pkg.from_numpy", "pkg.Tensor.numpy"]


def test_a_phrase_of_the_table_says_which_name_is_meant() -> None:
    terms = {term.word: term for term in query_terms("clear the old gradients")}
    assert "zero_grad" in terms["clear"].meant and "zero_grad" in terms["gradients"].meant
    lone = {term.word: term for term in query_terms("coin")}  # a one-word key is looser
    assert "bernoulli" in lone["coin"].alternatives and lone["coin"].meant == ()
    found = [
        _candidate("pkg.Tensor.grad", "property", 10.0),
        _candidate("pkg.Optimizer.zero_grad", "method", 9.0),
    ]
    ranked = [hit.name for hit in rank(found, 2, parse_query("clear the old gradients"))]
    assert ranked == ["pkg.Optimizer.zero_grad", "pkg.Tensor.grad"]


def test_a_name_one_word_stands_for_ranks_up_a_little() -> None:
    found = [
        _candidate("pkg.flip", "function", 10.0),
        _candidate("pkg.bernoulli", "function", 9.0),
    ]
    ranked = [hit.name for hit in rank(found, 2, parse_query("a fair coin"))]
    assert ranked == ["pkg.bernoulli", "pkg.flip"]  # "coin" -> bernoulli in the table


def test_what_is_left_of_a_contraction_is_not_searched_for() -> None:
    typed = "lock a file so two processes don't write at once"
    assert [term.word for term in query_terms(typed)][:4] == ["lock", "file", "processes", "write"]
