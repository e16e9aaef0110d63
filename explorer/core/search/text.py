"""Full-text matching: FTS5 BM25 over an entry's words, then coverage and phrase checks.

Every form of every query word (the word as typed and its synonyms) goes into
one OR query, so an entry matching one rare word is found; the best few hundred
by BM25 are then checked in Python for how many of the query's words they
cover (a synonym counts a little less than the word typed) and whether words
that stand together in the query stand together in the text ("lower
triangular", "vector-Jacobian product").
"""

from __future__ import annotations

import bisect
import re
import sqlite3
from collections.abc import Callable
from typing import Any

from explorer.core.search.records import CANDIDATE_COLUMNS, Candidate
from explorer.core.search.vocab import Term

FTS_CAP = 80
COVERAGE_CAP = 100  # text matches of all indexes together whose words are checked
# ... and of each index, so a small package's best is checked too. 4, not 10: a fresh
# process's search is ~20 ms shorter at p95; B, D and H are unchanged at recall@5, F loses
# one query ("render a template with variables": jinja2.Template is fifth in its index).
COVERAGE_PER_INDEX = 4
SYNONYM_CREDIT = 0.8  # a word found only through a synonym covers this much of it
DOC_ONLY_CREDIT = 0.7  # ... and one found in the docstring, not the name or summary
_DOC_PREFIX = 1200  # characters of a docstring read for coverage and phrases
# bm25 column weights: (last segment, path, summary, docstring)
SINGLE_WORD_WEIGHTS = (10.0, 1.0, 4.0, 1.0)
MANY_WORD_WEIGHTS = (3.0, 0.5, 4.0, 2.0)  # names weigh less in multi-word queries


_TOKEN = re.compile(r"[a-z0-9]+")
_GAP = re.compile(r"\w*[\W_]+")  # the rest of a word, then what separates it from the next
_WORD_GAP = re.compile(r"\w+[\W_]+")


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
    """The best FTS_CAP entries by BM25, with `relevance` set (coverage comes later, for the
    best of every index together: see `measure_coverage`)."""
    forms = list(dict.fromkeys(form for term in terms for form in term.forms))
    weights = SINGLE_WORD_WEIGHTS if len(terms) == 1 or name_query else MANY_WORD_WEIGHTS
    bm25 = f"bm25(docs, {', '.join(map(str, weights))})"
    best = (
        f"SELECT docs.rowid AS rowid, -{bm25} AS r FROM docs "
        + ("JOIN entries ON entries.id = docs.rowid " if where else "")
        + f"WHERE docs MATCH ?{where} ORDER BY r DESC LIMIT {FTS_CAP}"
    )
    # One statement: in a fresh process each statement costs its preparation, per index.
    sql = (f"SELECT {CANDIDATE_COLUMNS}, best.r AS r FROM ({best}) AS best "
           "JOIN entries ON entries.id = best.rowid")  # fmt: skip
    for row in connection.execute(sql, [" OR ".join(map(quote, forms)), *params]):
        candidate = found.get(row["id"]) or Candidate.from_row(row, package)
        found[row["id"]] = candidate
        candidate.relevance = float(row["r"])
        candidate.source = connection
        if len(terms) == 1:  # a one-word query: any full-text match covers it
            candidate.coverage = 1.0


def add_name_word_matches(
    connection: sqlite3.Connection, terms: tuple[Term, ...], where: str, params: list[Any],
    package: str, found: dict[int, Candidate],
) -> None:  # fmt: skip
    """Entries whose last segment is one of the query's words or synonyms ("unique values"
    -> torch.unique, "fully connected" -> Linear): BM25 may rank a short docstring below
    the cap, so they are asked for by name; the best by prior when more than the cap match
    ("value" names hundreds of stdlib methods, "optional" one function: typing.Optional)."""
    forms = list(dict.fromkeys(form.replace("-", "_") for term in terms for form in term.forms
                               if len(form) > 2))  # fmt: skip
    if not forms:
        return
    marks = ",".join("?" * len(forms))
    sql = (f"SELECT {CANDIDATE_COLUMNS} FROM entries WHERE (entries.tail IN ({marks}) OR "
           f"entries.ntail IN ({marks})) AND entries.primary_entry = 1{where} "
           f"ORDER BY entries.prior DESC LIMIT {FTS_CAP}")  # fmt: skip
    for row in connection.execute(sql, [*forms, *forms, *params]):
        candidate = found.get(row["id"]) or Candidate.from_row(row, package)
        found[row["id"]] = candidate
        candidate.source = connection


def measure_coverage(
    found: list[Candidate],
    terms: tuple[Term, ...],
    best: int,
    promise: Callable[[Candidate], float],
) -> None:
    """Coverage and phrase checks for the `best` text matches of all indexes, by what they
    promise before coverage is known (`promise`: BM25 and prior)."""
    ranked = sorted((c for c in found if c.source is not None), key=lambda c: -promise(c))
    named = [c for c in ranked[best:] if c.relevance == 0][: best // 2]  # asked for by name
    chosen = ranked[:best] + named + _best_of_each_source(ranked[best:], named)
    by_source: dict[int, list[Candidate]] = {}
    for candidate in chosen:
        by_source.setdefault(id(candidate.source), []).append(candidate)
    patterns = [_term_patterns(term) for term in terms]
    for group in by_source.values():
        connection = group[0].source
        assert connection is not None
        marks = ",".join("?" * len(group))
        texts = {
            row["id"]: (f"{row['tailw']} {row['summary']}".lower(), row["doc"].lower(),
                        row["tailw"].lower().split())
            for row in connection.execute(
                f"SELECT id, tailw, summary, substr(doc, 1, {_DOC_PREFIX}) AS doc FROM entries "
                f"WHERE id IN ({marks})",
                [candidate.id for candidate in group],
            )
        }  # fmt: skip
        for candidate in group:
            head, doc, name_words = texts.get(candidate.id, ("", "", []))
            candidate.coverage, candidate.phrase = _coverage(patterns, head, doc)
            candidate.name_words = _name_hits(terms, name_words)


def _best_of_each_source(rest: list[Candidate], taken: list[Candidate]) -> list[Candidate]:
    """The first COVERAGE_PER_INDEX of `rest` from each index, beside those `taken`: the
    best of the whole library are mostly torch's, whose priors are high."""
    skip = {id(candidate) for candidate in taken}
    counts: dict[int, int] = {}
    chosen = []
    for candidate in rest:
        source = id(candidate.source)
        if id(candidate) not in skip and counts.get(source, 0) < COVERAGE_PER_INDEX:
            counts[source] = counts.get(source, 0) + 1
            chosen.append(candidate)
    return chosen


def _name_hits(terms: tuple[Term, ...], name_words: list[str]) -> float:
    """How well the name says what the query says: the harmonic mean of the share of the
    query's words that are words of the name (synonyms discounted) and the share of the
    name's words the query asks for (`cumsum` is all "cumulative sum";
    `get_float32_matmul_precision` is a quarter "matrix multiplication")."""
    if not name_words:
        return 0.0
    whole, parts = name_words[0], name_words[1:] or name_words[:1]
    words = set(name_words)
    credit = 0.0
    asked: set[str] = set()
    for term in terms:
        if term.word in words:
            credit += 1.0
            asked.add(term.word)
        else:
            found = [form for form in term.alternatives if form in words]
            if found:
                credit += SYNONYM_CREDIT
                asked.update(found)
    recall = credit / len(terms)
    precision = 1.0 if whole in asked else sum(part in asked for part in parts) / len(parts)
    return 0.0 if recall == 0 else 2 * recall * precision / (recall + precision)


def _term_patterns(term: Term) -> tuple[str, tuple[str, ...], re.Pattern[str]]:
    """(stem typed, stems of its synonyms, a pattern for the typed stem at a word start)."""
    typed = stem(term.word)
    others = tuple(dict.fromkeys(stem(form) for form in term.alternatives if len(form) > 2))
    return typed, others, re.compile(rf"\b{re.escape(typed)}")


def _coverage(
    patterns: list[tuple[str, tuple[str, ...], re.Pattern[str]]], head: str, doc: str
) -> tuple[float, float]:
    """(share of terms found, share of adjacent term pairs found next to each other in the
    name words and summary), both texts lower-cased."""
    heading = sorted(set(_TOKEN.findall(head)))
    words: list[str] | None = None  # the docstring's, split only when a term needs them
    credit = 0.0
    for typed, others, _ in patterns:
        # Best first: the word typed in the name or summary, a synonym there, the word typed
        # in the docstring, a synonym there.
        if _has_prefix(heading, typed):
            credit += 1.0
        elif any(_has_prefix(heading, other) for other in others):
            credit += SYNONYM_CREDIT
        else:
            words = sorted(set(_TOKEN.findall(doc))) if words is None else words
            if _has_prefix(words, typed):
                credit += DOC_ONLY_CREDIT
            elif any(_has_prefix(words, other) for other in others):
                credit += SYNONYM_CREDIT * DOC_ONLY_CREDIT
    coverage = credit / len(patterns)
    if len(patterns) < 2:
        return coverage, 0.0
    pairs = sum(
        1 for first, second in zip(patterns, patterns[1:], strict=False)
        if _adjacent(first[2], second[2], head)
    )  # fmt: skip
    return coverage, pairs / (len(patterns) - 1)


def _has_prefix(words: list[str], prefix: str) -> bool:
    position = bisect.bisect_left(words, prefix)
    return position < len(words) and words[position].startswith(prefix)


def _adjacent(first: re.Pattern[str], second: re.Pattern[str], text: str) -> bool:
    """The two words occur with at most one word between them, in this order."""
    for match in first.finditer(text):
        rest = text[match.end() : match.end() + 40]
        gap = _GAP.match(rest)
        if gap is None:
            continue
        if second.match(rest, gap.end()):
            return True
        skipped = _WORD_GAP.match(rest, gap.end())  # one word between: "lower (left) triangle"
        if skipped is not None and second.match(rest, skipped.end()):
            return True
    return False


def word_spans(text: str, words: list[str]) -> tuple[tuple[int, int], ...]:
    """Where the query's words (or their stems: "probabilities" ~ "probability") occur."""
    if not text or not words:
        return ()
    stems = sorted({stem(word) for word in words if word})
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")\w*", re.IGNORECASE)
    return tuple(match.span() for match in pattern.finditer(text))
