"""Which text matches get their words checked when many indexes answer one query."""

from __future__ import annotations

import sqlite3

from explorer.core.search.records import Candidate
from explorer.core.search.text import COVERAGE_CAP, measure_coverage
from explorer.core.search.vocab import Term


def index_of(package: str, summaries: list[str]) -> tuple[sqlite3.Connection, list[Candidate]]:
    """An in-memory index holding only what the coverage pass reads, and its candidates."""
    connection = sqlite3.connect(":memory:")
    connection.row_factory = sqlite3.Row
    connection.execute("CREATE TABLE entries (id INTEGER, tailw TEXT, summary TEXT, doc TEXT)")
    candidates = []
    for number, summary in enumerate(summaries):
        name = f"{package}.f{number}"
        connection.execute("INSERT INTO entries VALUES (?, ?, ?, ?)", (number, name, summary, ""))
        candidate = Candidate(number, name, "function", name, True, 5.0, None, summary, "()", None)
        candidate.package, candidate.source, candidate.relevance = package, connection, 1.0
        candidates.append(candidate)
    return connection, candidates


def test_a_small_package_gets_its_best_match_checked_beside_a_big_one() -> None:
    """A big package's many strong candidates fill the shared cap; the small package's
    best match is still checked, so it covers every word it has."""
    _, big = index_of("big", ["a table of numbers"] * (2 * COVERAGE_CAP))
    _, small = index_of("small", ["print a table in the terminal"])
    terms = (Term("print"), Term("table"), Term("terminal"))
    promise = {id(candidate): 10.0 for candidate in big} | {id(small[0]): 1.0}
    measure_coverage(big + small, terms, COVERAGE_CAP, lambda c: promise[id(c)])
    assert small[0].coverage == 1.0 and small[0].phrase > 0
    assert sum(candidate.coverage > 0 for candidate in big) < len(big)  # the cap still holds
