"""Fit the ranking weights of explorer.core.search.rank by coordinate ascent.

Candidates are gathered once per query (FTS, name matches, coverage: everything
that does not depend on the weights), then each weight in turn is scaled by a
few factors and kept where recall@1 + recall@5 over the development sets rises.
Held-out sets are only scored, before and after, in aggregate: their queries
never steer a weight. The weights it prints go into rank.py by hand.

    EXPLORER_CACHE_DIR=... python benchmarks/search_tune.py \
        --dev benchmarks/search_queries.tsv benchmarks/search_queries_c.tsv \
        --held benchmarks/search_queries_b.tsv benchmarks/search_queries_d.tsv --rounds 2
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

from search_eval import first_right, load_queries

from explorer.core.search import library as search_library
from explorer.core.search import rank as ranking
from explorer.core.search.query import parse_query
from explorer.core.search.records import Candidate, Query
from explorer.core.search.text import COVERAGE_CAP, measure_coverage

WEIGHTS = [
    "RELEVANCE_WEIGHT", "COVERAGE_WEIGHT", "ALL_WORDS_BONUS", "PHRASE_WEIGHT",
    "NAME_WORDS_WEIGHT", "IN_PLACE_PENALTY", "NAMED_PACKAGE_BONUS", "IMPLIED_PACKAGE_BONUS",
    "TEXT_IN_NAME_QUERY", "TEXT_ONLY_IN_NAME_QUERY", "POPULARITY_WEIGHT", "POPULARITY_CAP",
]  # fmt: skip
FACTORS = (0.0, 0.5, 0.75, 0.9, 1.1, 1.25, 1.5, 2.0)
Gathered = tuple[Query, list[Candidate], frozenset[str], frozenset[str]]
Case = tuple[Gathered, set[str]]


def gather(library: search_library.Library, text: str) -> Gathered:
    """What `Library.search` finds for a query, before it ranks."""
    query = parse_query(text)
    routed = library.route(query)
    found = library._candidates(routed, query)
    if len(routed) < len(library.indexes) and not query.within and not search_library._good(found):
        found = library._candidates(sorted(library.indexes), query)
    named, implied = library._named_packages(query), library._implied_packages(query)
    if len(query.terms) > 1:
        best = max((c.relevance for c in found), default=0.0) or 1.0
        measure_coverage(found, query.terms, COVERAGE_CAP, lambda c: ranking._promise(c, best))
    return query, found, named, implied - named


def recall(cases: list[Case], other_names: ranking.OtherNames) -> tuple[int, int]:
    """(queries answered first, queries answered in the top 5)."""
    first = top5 = 0
    for (query, found, named, implied), answers in cases:
        hits = ranking.rank(found, 5, query, named, implied, other_names)
        position = first_right([(hit.name, *hit.also) for hit in hits], answers)
        first += position == 1
        top5 += position is not None
    return first, top5


def report(label: str, sets: dict[str, list[Case]], other_names: ranking.OtherNames) -> int:
    total = 0
    parts = []
    for name, cases in sets.items():
        first, top5 = recall(cases, other_names)
        total += first + top5
        parts.append(f"{name} {first / len(cases):.3f}/{top5 / len(cases):.3f}")
    print(f"{label}: " + "  ".join(parts), flush=True)
    return total


def ascend(sets: dict[str, list[Case]], other_names: ranking.OtherNames, rounds: int) -> None:
    def objective() -> int:
        return sum(sum(recall(cases, other_names)) for cases in sets.values())

    best = objective()
    for number in range(rounds):
        for weight in WEIGHTS:
            start = chosen = getattr(ranking, weight)
            for factor in FACTORS:
                setattr(ranking, weight, start * factor)
                score = objective()
                if score > best:
                    best, chosen = score, start * factor
            setattr(ranking, weight, chosen)
            if chosen != start:
                print(f"round {number}: {weight} {start} -> {chosen:g} (dev {best})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", type=Path, nargs="+", required=True)
    parser.add_argument("--held", type=Path, nargs="*", default=[])
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    library = search_library.Library.open()
    if not library.indexes:
        sys.exit("no index in the cache dir: run `explore --index --all` first")

    def cases(path: Path) -> list[Case]:
        return [(gather(library, text), answers) for _, text, answers in load_queries(path)]

    dev = {path.name: cases(path) for path in options.dev}
    held = {path.name: cases(path) for path in options.held}
    ranking.measure_coverage = lambda *args, **kwargs: None  # type: ignore[assignment]
    other_names = _cached(library._other_names)
    report("dev before", dev, other_names)
    if held:
        report("held-out before", held, other_names)
    ascend(dev, other_names, options.rounds)
    report("dev after", dev, other_names)
    if held:
        report("held-out after", held, other_names)
    print({weight: round(getattr(ranking, weight), 3) for weight in WEIGHTS})


def _cached(other_names: ranking.OtherNames) -> ranking.OtherNames:
    lookup: Callable[[str, tuple[str, ...]], dict[str, tuple[str, ...]]] = cache(
        lambda package, names: other_names(package, list(names))
    )
    return lambda package, names: lookup(package, tuple(names))


if __name__ == "__main__":
    main()
