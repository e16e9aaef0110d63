"""Full-text matching: FTS5 BM25 over an entry's words, then coverage and phrase checks.

Every form of every query word (the word as typed and its synonyms) goes into
one OR query, so an entry matching one rare word is found; the best few hundred
by BM25 are then checked in Python for how many of the query's words they
cover (a synonym counts a little less than the word typed) and whether words
that stand together in the query stand together in the text ("lower
triangular", "vector-Jacobian product").
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from explorer.core.search.records import CANDIDATE_COLUMNS, Candidate
from explorer.core.search.vocab import Term

FTS_CAP = 200
SYNONYM_CREDIT = 0.8  # a word found only through a synonym covers this much of it
_DOC_PREFIX = 3000  # characters of a docstring read for coverage and phrases
# bm25 column weights: (last segment, path, summary, docstring)
SINGLE_WORD_WEIGHTS = (10.0, 1.0, 4.0, 1.0)
MANY_WORD_WEIGHTS = (3.0, 0.5, 4.0, 1.0)  # names weigh less in multi-word queries


def quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def stem(word: str) -> str:
    """A crude stem, enough to say "triangle" ~ "triangular", "values" ~ "value"."""
    word = word.lower()
    return word[: max(4, len(word) - 3)] if len(word) > 5 else word


def add_text_matches(
    connection: sqlite3.Connection, terms: tuple[Term, ...], name_query: bool, where: str,
    params: list[Any], package: str, found: dict[int, Candidate],
) -> None:  # fmt: skip
    forms = list(dict.fromkeys(form for term in terms for form in term.forms))
    weights = SINGLE_WORD_WEIGHTS if len(terms) == 1 or name_query else MANY_WORD_WEIGHTS
    bm25 = f"bm25(docs, {', '.join(map(str, weights))})"
    sql = (
        f"SELECT docs.rowid, -{bm25} AS r FROM docs "
        + ("JOIN entries ON entries.id = docs.rowid " if where else "")
        + f"WHERE docs MATCH ?{where} ORDER BY r DESC LIMIT {FTS_CAP}"
    )
    rows = connection.execute(sql, [" OR ".join(map(quote, forms)), *params]).fetchall()
    if not rows:
        return
    relevance = {row[0]: float(row[1]) for row in rows}
    marks = ",".join("?" * len(relevance))
    details = connection.execute(
        f"SELECT {CANDIDATE_COLUMNS}, entries.tailw, entries.pathw, "
        f"substr(entries.doc, 1, {_DOC_PREFIX}) FROM entries WHERE entries.id IN ({marks})",
        list(relevance),
    ).fetchall()
    patterns = [_term_patterns(term) for term in terms]
    for row in details:
        candidate = found.get(row[0]) or Candidate.from_row(tuple(row[:10]), package)
        found[row[0]] = candidate
        candidate.relevance = relevance[row[0]]
        body = f"{row[10]} {row[8]} {row[12]}"  # name words, summary, docstring
        candidate.coverage, candidate.phrase = _coverage(patterns, body, f"{row[10]} {row[8]}")


def _term_patterns(term: Term) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    typed = re.compile(rf"\b{re.escape(stem(term.word))}", re.IGNORECASE)
    others = [re.escape(stem(form)) for form in term.alternatives if len(form) > 1]
    alternative = re.compile(rf"\b(?:{'|'.join(others)})", re.IGNORECASE) if others else None
    return typed, alternative


def _coverage(
    patterns: list[tuple[re.Pattern[str], re.Pattern[str] | None]], body: str, head: str
) -> tuple[float, float]:
    """(share of terms found, share of adjacent term pairs found next to each other)."""
    credit = 0.0
    positions: list[int | None] = []
    for typed, alternative in patterns:
        match = typed.search(body)
        if match is not None:
            credit += 1.0
        elif alternative is not None and (match := alternative.search(body)) is not None:
            credit += SYNONYM_CREDIT
        positions.append(None)
    coverage = credit / len(patterns)
    if len(patterns) < 2:
        return coverage, 0.0
    pairs = 0
    for (first, _), (second, _) in zip(patterns, patterns[1:], strict=False):
        if _adjacent(first, second, body):
            pairs += 1
    return coverage, pairs / (len(patterns) - 1)


def _adjacent(first: re.Pattern[str], second: re.Pattern[str], body: str) -> bool:
    """The two words occur with at most one word between them, in this order."""
    for match in first.finditer(body):
        rest = body[match.end() : match.end() + 40]
        after = re.match(r"\w*[\W_]+(?:\w+[\W_]+)?", rest)
        if after is not None and second.match(rest, after.end()):
            return True
    return False


def word_spans(text: str, words: list[str]) -> tuple[tuple[int, int], ...]:
    """Where the query's words (or their stems: "probabilities" ~ "probability") occur."""
    if not text or not words:
        return ()
    stems = sorted({stem(word) for word in words if word})
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")\w*", re.IGNORECASE)
    return tuple(match.span() for match in pattern.finditer(text))
