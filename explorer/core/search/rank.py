"""The final order: candidates from any number of indexes scored together, then folded.

A candidate's score is its name match (when the query is a name), its text
match (BM25 relative to the best candidate of this query, plus coverage of the
query's words, a bonus for covering all of them and for adjacent words), and
its prior. Then duplicates fold: one function inherited by fifty classes is one
hit, and an alias stub ("See `torch.matmul`") folds into the hit it points to,
which lists it under `also`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from explorer.core.search.records import Candidate, Hit, Query
from explorer.core.search.text import COVERAGE_CAP, measure_coverage, word_spans
from explorer.core.search.vocab import namespace_weights, package_weights, stop_words, words

# (package, names) -> {name: its other names}, one call per package of the chosen hits
OtherNames = Callable[[str, list[str]], dict[str, tuple[str, ...]]]
RELEVANCE_WEIGHT = 20.0
COVERAGE_WEIGHT = 9.5
ALL_WORDS_BONUS = 5.0
PHRASE_WEIGHT = 5.5
NAME_WORDS_WEIGHT = 25.0  # the query's words are the name's words ("unique values")
IN_PLACE_PENALTY = 2.0
MEANT_NAME_BONUS = 12.0  # the name a phrase of the query means ("clear gradients": zero_grad)
SYNONYM_NAME_BONUS = 3.0  # a name one word's synonyms give ("coin": bernoulli), less sure
WRONG_WAY_PENALTY = 8.0  # "tensor to numpy" is not torch.from_numpy
NAMED_PACKAGE_BONUS = 15.0  # "numpy matrix inverse": the words name the package
IMPLIED_PACKAGE_BONUS = 6.0  # "zeros like another tensor": a word only one package uses
TEXT_IN_NAME_QUERY = 0.05  # a name query is about names first; its words only break ties
TEXT_ONLY_IN_NAME_QUERY = 0.6  # an entry whose name does not match a one-word query
POPULARITY_WEIGHT = 2.0  # per doubling of the docstrings that name an entry
POPULARITY_CAP = 12.0
SPREAD_TOP = 5  # the places in which plain words get hits from more than one package


def score(
    candidate: Candidate, best_relevance: float, many_words: bool, name_query: bool,
    dotted: bool = False,
) -> float:  # fmt: skip
    """Name match (or text match), plus the prior; `dotted`: the query is a dotted path,
    whose words say nothing beyond the path."""
    text_score = 0.0
    if candidate.relevance > 0 or candidate.coverage > 0:
        text_score = (
            RELEVANCE_WEIGHT * candidate.relevance / best_relevance
            + COVERAGE_WEIGHT * candidate.coverage
            + PHRASE_WEIGHT * candidate.phrase
            + NAME_WORDS_WEIGHT * candidate.name_words
        )
        if many_words and candidate.coverage >= 0.999:
            text_score += ALL_WORDS_BONUS
    if candidate.name_score > 0:
        base = candidate.name_score + (TEXT_IN_NAME_QUERY * text_score if not dotted else 0.0)
    else:
        base = text_score * (TEXT_ONLY_IN_NAME_QUERY if name_query else 1.0)
    return base + standing(candidate)


def standing(candidate: Candidate) -> float:
    """What ranks an entry before any query: its stored prior, its package's weight and how
    often its package's documentation names it."""
    popularity = min(POPULARITY_CAP, POPULARITY_WEIGHT * math.log2(1 + candidate.mentions))
    return candidate.prior + _package_weight(candidate) + popularity


def _classes_before_their_modules(found: list[Candidate], scores: dict[int, float]) -> None:
    """A class ranks before the module of the same name beside it (`optim.SGD` before
    `optim.sgd`, `distributions.Normal` before `distributions.normal`) and before the
    function named like that module inside it (`optim.adam.adam`, the functional form)."""
    classes: dict[tuple[str, str], Candidate] = {}
    for candidate in found:
        if candidate.kind in ("class", "exception"):
            classes.setdefault((candidate.package, candidate.name.lower()), candidate)
    if not classes:
        return
    for candidate in found:
        lowered = candidate.name.lower()
        parent, _, tail = lowered.rpartition(".")
        if candidate.kind == "module":
            twin = classes.get((candidate.package, lowered))
        elif parent.endswith("." + tail):  # optim.adam.adam -> optim.adam
            twin = classes.get((candidate.package, parent))
        else:
            continue
        if twin is not None and twin is not candidate:  # the class takes its place
            scores[id(twin)] = max(scores[id(twin)], scores[id(candidate)] + 0.5)


def _without_inner_modules(found: list[Candidate], named: frozenset[str]) -> frozenset[str]:
    """A named module that is also a module inside another named package is that package's
    ("random integers with numpy": numpy.random, not Python's random)."""
    inner = {
        module
        for module in named
        for package in named - {module}
        if any(c.name.startswith(f"{package}.{module}.") for c in found)
    }
    return named - inner


def _path_words_asked(found: list[Candidate], scores: dict[int, float], query: Query) -> None:
    """Plain words that name a namespace ranked down on the path ("is a gpu available": gpu
    ~ cuda) take that weight back: torch.cuda.is_available is otherwise a backend copy
    beside torch.accelerator.is_available (namespaces.tsv)."""
    forms = {form for term in query.terms for form in term.forms}
    weights = namespace_weights()[1]
    for candidate in found:
        inner = candidate.name.lower().split(".")[1:-1]
        scores[id(candidate)] -= sum(
            min(0.0, weights.get(segment, 0.0)) for segment in inner if segment in forms
        )


def _names_meant(found: list[Candidate], scores: dict[int, float], query: Query) -> None:
    """Names a phrase of the query stands for in the synonym table rank up: a phrase says
    what is meant more surely than the docstrings' word counts do. A name that one word's
    synonyms give ranks up a little."""
    meant = {name for term in query.terms for name in term.meant}
    loose = {name for term in query.terms for name in term.alternatives}
    for candidate in found:
        if _named_one_of(candidate, meant):
            scores[id(candidate)] += MEANT_NAME_BONUS
        elif _named_one_of(candidate, loose):
            scores[id(candidate)] += SYNONYM_NAME_BONUS


def _conversions_the_wrong_way(found: list[Candidate], scores: dict[int, float], text: str) -> None:
    """A query that converts to a thing ("a tensor to a numpy array") does not want the
    name that converts from it (`from_numpy`), nor "from a list" one named `to_list`."""
    typed = [word for word in words(text) if word not in stop_words() or word in _DIRECTIONS]
    wrong = {
        prefix + following.replace("-", "_")
        for word, following in zip(typed, typed[1:], strict=False)
        if following not in _DIRECTIONS
        for prefix in _DIRECTIONS.get(word, ())
    }
    if not wrong:
        return
    for candidate in found:
        if _named_one_of(candidate, wrong):
            scores[id(candidate)] -= WRONG_WAY_PENALTY


_DIRECTIONS = {"to": ("from_", "from"), "into": ("from_", "from"), "from": ("to_", "to")}


def _named_one_of(candidate: Candidate, names: set[str]) -> bool:
    """The name's last segment is one of `names` (lower case), with or without its
    underscores ("zero_grad", "zerograd")."""
    tail = candidate.name.rpartition(".")[2].lower()
    return tail in names or tail.replace("_", "") in names


def _twins_by_package(
    found: list[Candidate], scores: dict[int, float], asked: frozenset[str]
) -> None:
    """The same function in several installed packages (torch.cumsum, numpy.cumsum): the
    twin of the package the query names or implies (`asked`: "numpy", "arrays") comes
    first; when it says nothing about which, the best-weighted package's does, not
    whichever docstring happens to use the query's words more. Python's own (math.gcd
    beside torch.gcd) is left to the words: plain Python is what many such queries mean."""
    twins: dict[str, list[Candidate]] = {}
    for candidate in found:
        if candidate.kind in ("function", "builtin", "class") and candidate.primary:
            twins.setdefault(candidate.name.rpartition(".")[2].lower(), []).append(candidate)
    for group in twins.values():
        packages = {candidate.package for candidate in group}
        if len(packages) < 2 or "stdlib" in packages:
            continue  # one twin is Python's own
        said = [c for c in group if c.package in asked or c.name.split(".", 1)[0] in asked]
        if len(said) == len(group):
            continue
        best = max(scores[id(candidate)] for candidate in group)
        if said:  # "two arrays almost equal": numpy's allclose, however popular torch's is
            favourite = max(said, key=lambda c: scores[id(c)])
        else:
            favourite = max(group, key=lambda c: (_package_weight(c), scores[id(c)]))
        scores[id(favourite)] = max(scores[id(favourite)], best + 0.1)


def _package_weight(candidate: Candidate) -> float:
    weight = namespace_weights()[0].get(candidate.name.split(".", 1)[0])
    return package_weights().get(candidate.package, 0.0) if weight is None else weight


def _promise(candidate: Candidate, best: float) -> float:
    return RELEVANCE_WEIGHT * candidate.relevance / best + standing(candidate)


def rank(
    found: list[Candidate], limit: int, query: Query, named: frozenset[str] = frozenset(),
    implied: frozenset[str] = frozenset(), other_names: OtherNames | None = None,
) -> list[Hit]:  # fmt: skip
    """The best `limit` hits; `named`: packages (or standard-library modules) the query's
    words name, ranked first; `implied`: packages its words belong to
    (package_words.tsv), ranked a little higher;
    `other_names(package, names)`: the other names of hits' objects, listed in `also`."""
    if not found:
        return []
    best = max(candidate.relevance for candidate in found) or 1.0
    if len(query.terms) > 1:
        measure_coverage(found, query.terms, COVERAGE_CAP, lambda c: _promise(c, best))
    many_words = len(query.terms) > 1 and not query.name
    dotted = len(query.segments) > 1
    scores = {id(c): score(c, best, many_words, bool(query.name), dotted) for c in found}
    named = _without_inner_modules(found, named)
    for candidate in found:
        if candidate.package in named or candidate.name.split(".", 1)[0] in named:
            scores[id(candidate)] += NAMED_PACKAGE_BONUS
        elif candidate.package in implied:
            scores[id(candidate)] += IMPLIED_PACKAGE_BONUS
    if not query.name:
        _path_words_asked(found, scores, query)
        _conversions_the_wrong_way(found, scores, query.text)
        _names_meant(found, scores, query)
    named_entries = {(c.package, c.name): c for c in found}
    for candidate in found:  # torch's in-place twin (detach_) after the function (detach)
        twin = (candidate.package, candidate.name[:-1])
        in_place = candidate.name.endswith("_") and not candidate.name.endswith("__")
        if in_place and twin in named_entries:
            scores[id(candidate)] -= IN_PLACE_PENALTY
    _classes_before_their_modules(found, scores)
    if not dotted:  # a dotted name says which package
        _twins_by_package(found, scores, named | implied)
    for candidate in found:  # what a stub points to ranks at least as high as the stub
        target = named_entries.get((candidate.package, candidate.alias_of or ""))
        if target is not None and not candidate.exact_path:
            scores[id(target)] = max(scores[id(target)], scores[id(candidate)])
    ordered = sorted(found, key=lambda c: (-scores[id(c)], len(c.name), c.name))
    spreads = not (query.name or named or implied or _one_package(found)) and limit >= SPREAD_TOP
    looking = spreads  # past `limit`, for the first hit of another package
    by_name = {(c.package, c.name): c for c in ordered}
    chosen: list[Candidate] = []
    also: dict[int, list[str]] = {}
    groups: set[tuple[str, str]] = set()
    siblings: dict[tuple[str, str, str], Candidate] = {}
    for candidate in ordered:
        group = (candidate.package, candidate.group)
        if group in groups:
            continue  # one function inherited by fifty classes is one hit
        sibling = _method_twin(candidate)
        if sibling in siblings:  # fifty classes' own copies of one documented method
            also.setdefault(id(siblings[sibling]), []).append(candidate.name)
            continue
        target = by_name.get((candidate.package, candidate.alias_of or ""))
        if target is not None and not candidate.exact_path and target is not candidate:
            also.setdefault(id(target), []).append(candidate.name)
            groups.add(group)
            continue  # "See torch.matmul" is torch.matmul under another name
        groups.add(group)
        if sibling is not None:
            siblings[sibling] = candidate
        chosen.append(candidate)
        looking = looking and candidate.package == chosen[0].package
        if len(chosen) >= limit and not looking:
            break
    if spreads:
        chosen = _spread(chosen)
    chosen = chosen[:limit]
    words = query.words
    others = _other_names(chosen, other_names)
    return [
        Hit(
            name=c.name, kind=c.kind, summary=c.summary, signature=c.signature,
            defined_in=c.defined_in, score=round(scores[id(c)], 3), name_spans=c.name_spans,
            summary_spans=word_spans(c.summary, words), also=_also(c, also, others),
            package=c.package, guess=c.guess,
        )
        for c in chosen
    ]  # fmt: skip


def _method_twin(candidate: Candidate) -> tuple[str, str, str] | None:
    """Methods of one name and one summary in one package (`initialize_parameters` of each
    lazy module) are one hit, the best placed, which lists the others."""
    if candidate.kind not in _METHOD_KINDS or not candidate.summary:
        return None
    return candidate.package, candidate.name.rpartition(".")[2], candidate.summary


_METHOD_KINDS = ("method", "classmethod", "staticmethod", "property")


def _one_package(chosen: list[Candidate]) -> bool:
    return len({candidate.package for candidate in chosen}) == 1


def _spread(chosen: list[Candidate]) -> list[Candidate]:
    """Plain words that name no package may mean another package than the one that took
    the first places ("sort a list" may mean Python's sorted, not torch.sort): the best hit
    from another package takes the last of the first SPREAD_TOP places."""
    head = chosen[:SPREAD_TOP]
    if len(head) < SPREAD_TOP or not _one_package(head):
        return chosen
    for position in range(SPREAD_TOP, len(chosen)):
        if chosen[position].package != head[0].package:
            last = SPREAD_TOP - 1
            return [*chosen[:last], chosen[position], *chosen[last:position],
                    *chosen[position + 1 :]]  # fmt: skip
    return chosen


def _other_names(
    chosen: list[Candidate], other_names: OtherNames | None
) -> dict[tuple[str, str], tuple[str, ...]]:
    """{(package, name): other names} for the chosen hits, asked once per package."""
    if other_names is None:
        return {}
    by_package: dict[str, list[str]] = {}
    for candidate in chosen:
        by_package.setdefault(candidate.package, []).append(candidate.name)
    return {
        (package, name): names
        for package, asked in by_package.items()
        for name, names in other_names(package, asked).items()
    }


def _also(
    candidate: Candidate, stubs: dict[int, list[str]],
    others: dict[tuple[str, str], tuple[str, ...]],
) -> tuple[str, ...]:  # fmt: skip
    """The names folded into this hit: its alias stubs, then its object's other names."""
    names = [*stubs.get(id(candidate), []), *others.get((candidate.package, candidate.name), ())]
    return tuple(dict.fromkeys(name for name in names if name != candidate.name))
