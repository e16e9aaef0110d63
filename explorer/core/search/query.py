"""Ranked search over an index database: names first, docstring text (BM25) blended in.

A query is free text plus optional filters inside it: `kind:class` (or
`kind:function,method`) and `in:torch.distributions`. One token (possibly dotted)
is matched against names: exact last segment > prefix > substring at a word
boundary > substring > fuzzy subsequence, with a bonus when the earlier dotted
segments are prefixes of the name's segments (`dist.Multi` ->
torch.distributions.Multinomial). Every query's words also go to FTS5, whose
BM25 score is blended in ("event log probabilities").
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

Span = tuple[int, int]
# Ranking reads only these; the few hits shown fetch their summary and signature after.
_COLUMNS = "id, name, kind, grp, primary_entry, prior"
_CANDIDATE_CAP = 3000
_FTS_CAP = 300
_KIND_BONUS = {"class": 3, "exception": 3, "function": 3, "builtin": 3, "module": 2, "data": -2}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@dataclass(frozen=True, slots=True)
class Hit:
    name: str
    kind: str
    summary: str
    signature: str
    defined_in: str | None
    score: float
    name_spans: tuple[Span, ...] = ()
    summary_spans: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["name_spans"] = [list(span) for span in self.name_spans]
        data["summary_spans"] = [list(span) for span in self.summary_spans]
        return data


@dataclass(slots=True)
class Query:
    text: str
    name: str = ""  # the single (maybe dotted) token matched against names, as typed
    words: list[str] = field(default_factory=list)  # for full-text search
    kinds: list[str] = field(default_factory=list)
    within: str = ""

    @property
    def segments(self) -> list[str]:
        """The name's dotted segments as typed (capitals make matching case-sensitive)."""
        return [segment for segment in self.name.split(".") if segment]


def parse_query(text: str) -> Query:
    query = Query(text)
    plain: list[str] = []
    for token in text.split():
        field_name, colon, value = token.partition(":")
        if colon and field_name.lower() == "kind" and value:
            query.kinds.extend(kind for kind in value.lower().split(",") if kind)
        elif colon and field_name.lower() == "in" and value:
            query.within = value.strip(".")
        else:
            plain.append(token)
    if len(plain) == 1 and re.fullmatch(r"[\w.]+", plain[0]):
        query.name = plain[0].strip(".")
    query.words = re.findall(r"\w+", " ".join(plain).lower())
    return query


def name_words(name: str) -> str:
    """Text the FTS `words` column holds: segments, snake and camel parts."""
    parts = re.split(r"[._]+", name)
    camel = [piece for part in parts for piece in _CAMEL.split(part) if piece != part]
    return " ".join(parts + camel)


def search(
    connection: sqlite3.Connection, text: str, limit: int, tails: Callable[[], list[str]]
) -> list[Hit]:
    query = parse_query(text)
    if not (query.name or query.words or query.kinds or query.within):
        return []
    where, params = _filters(query)
    rows: dict[int, tuple[Any, ...]] = {}
    scores: dict[int, float] = {}
    spans: dict[int, tuple[Span, ...]] = {}
    if query.name:
        segments = query.segments
        for row in _name_candidates(connection, query, where, params, limit, tails):
            score, name_spans = score_name(segments, row[1])
            if score > 0:
                rows[row[0]] = row
                scores[row[0]] = score + _adjustment(row)
                spans[row[0]] = name_spans
    if query.words:
        weight = 6.0 if query.name else 60.0  # a name query is about names first
        for row, relevance in _text_matches(connection, query.words, where, params, limit):
            rows.setdefault(row[0], row)
            scores[row[0]] = scores.get(row[0], _adjustment(row)) + weight * relevance
    if not query.name and not query.words:
        for row in _filtered(connection, where, params, limit):
            rows[row[0]] = row
            scores[row[0]] = row[5]
    return _best(connection, rows, scores, spans, query, limit)


def _filters(query: Query) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if query.kinds:
        clauses.append(f"kind IN ({','.join('?' * len(query.kinds))})")
        params.extend(query.kinds)
    if query.within:
        within = query.within.lower()
        clauses.append("(lname = ? OR (lname > ? AND lname < ?))")
        params.extend([within, within + ".", within + "/"])  # "/" sorts right after "."
    return "".join(f" AND {clause}" for clause in clauses), params


def _name_candidates(
    connection: sqlite3.Connection, query: Query, where: str, params: list[Any], limit: int,
    tails: Callable[[], list[str]],
) -> list[tuple[Any, ...]]:  # fmt: skip
    last = query.segments[-1].lower() if query.segments else ""
    if not last:
        return []
    if len(query.segments) == 1 and not query.within:
        # An inherited copy (Square.area) would lose to its owner (Shape.area) anyway;
        # a dotted query or an in: filter may ask for it by its own name.
        where = " AND primary_entry = 1" + where
    for segment in query.segments[:-1]:
        # "dist.Multi": some earlier segment of the name starts with "dist" (checked in C,
        # so thousands of "*.multi*" tails never reach the Python scorer).
        where = " AND instr('.' || lname, ?) > 0" + where
        params = ["." + segment.lower(), *params]
    select = f"SELECT {_COLUMNS} FROM entries WHERE "
    found = connection.execute(select + "tail = ?" + where, [last, *params]).fetchall()
    found += connection.execute(
        select + f"tail > ? AND tail < ?{where} LIMIT {_CANDIDATE_CAP}",
        [last, last + "\uffff", *params],
    ).fetchall()
    if len(last) >= 3:  # substrings, through the trigram index
        found += connection.execute(
            select
            + f"id IN (SELECT rowid FROM grams WHERE grams MATCH ? LIMIT {_CANDIDATE_CAP})"
            + where,
            [_quote(last), *params],
        ).fetchall()
    if len(found) < limit and len(last) >= 2:
        found += _fuzzy_candidates(connection, last, where, params, tails())
    return found


def _fuzzy_candidates(
    connection: sqlite3.Connection, last: str, where: str, params: list[Any], tails: list[str]
) -> list[tuple[Any, ...]]:
    pattern = re.compile(".*?".join(map(re.escape, last)))
    matched = [tail for tail in tails if last not in tail and pattern.search(tail)]
    matched.sort(key=len)
    matched = matched[:200]
    if not matched:
        return []
    marks = ",".join("?" * len(matched))
    sql = f"SELECT {_COLUMNS} FROM entries WHERE tail IN ({marks}){where}"
    return connection.execute(sql, [*matched, *params]).fetchall()


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _text_matches(
    connection: sqlite3.Connection, words: list[str], where: str, params: list[Any], limit: int
) -> list[tuple[tuple[Any, ...], float]]:
    """FTS5 hits with relevance in (0, 1]: bm25 relative to the best hit of this query."""
    if where:
        sql = (
            "SELECT docs.rowid, bm25(docs, 10.0, 4.0, 1.0) AS r FROM docs "
            "JOIN entries e ON e.id = docs.rowid WHERE docs MATCH ?"
            + where.replace(" kind", " e.kind").replace("lname", "e.lname")
            + f" ORDER BY r LIMIT {_FTS_CAP}"
        )
    else:  # the FTS table alone: no join row is built for matches that will not be kept
        sql = (
            "SELECT rowid, bm25(docs, 10.0, 4.0, 1.0) AS r FROM docs WHERE docs MATCH ? "
            f"ORDER BY r LIMIT {_FTS_CAP}"
        )
    quoted = [_quote(word) for word in words]
    found = connection.execute(sql, [" ".join(quoted), *params]).fetchall()
    if len(found) < min(limit, 5) and len(words) > 1:
        found += connection.execute(sql, [" OR ".join(quoted), *params]).fetchall()
    if not found:
        return []
    best = min(relevance for _, relevance in found) or -1.0
    relevance = {row_id: (bm25 / best if best < 0 else 0.0) for row_id, bm25 in found}
    rows = _rows(connection, list(relevance))
    return [(row, relevance[row[0]]) for row in rows]


def _rows(connection: sqlite3.Connection, ids: list[int]) -> list[tuple[Any, ...]]:
    marks = ",".join("?" * len(ids))
    sql = f"SELECT {_COLUMNS} FROM entries WHERE id IN ({marks})"
    return connection.execute(sql, ids).fetchall()


def _filtered(
    connection: sqlite3.Connection, where: str, params: list[Any], limit: int
) -> list[tuple[Any, ...]]:
    sql = f"SELECT {_COLUMNS} FROM entries WHERE primary_entry = 1{where} ORDER BY prior DESC, name"
    return connection.execute(sql + f" LIMIT {limit}", params).fetchall()


def _adjustment(row: tuple[Any, ...]) -> float:
    return float(row[5])


def prior(name: str, kind: str, summary: str, primary: bool, shared: int) -> float:
    """What ranks an entry before any query, stored with it: shallower names, classes and
    functions, documented entries, functions many classes share (Distribution.sample
    before one override), and an object's own entry over an inherited copy."""
    depth_penalty = 1.5 * max(name.count(".") - 1, 0)
    documented = 1.5 if summary else 0.0
    sharing = min(3.0, math.log2(shared)) if shared > 1 else 0.0
    inherited_copy = 0.0 if primary else 2.0
    return _KIND_BONUS.get(kind, 0) - depth_penalty + documented + sharing - inherited_copy


def score_name(segments: list[str], name: str) -> tuple[float, tuple[Span, ...]]:
    """How well the query segments match a dotted name, and where (for highlighting)."""
    if not segments:
        return 0.0, ()
    typed = segments[-1]
    segments = [segment.lower() for segment in segments]
    last = segments[-1]
    tail_start = name.rfind(".") + 1
    tail = name[tail_start:]
    score, tail_spans = _score_tail(last, tail)
    if score <= 0:
        return 0.0, ()
    if typed != last and tail_spans and tail[tail_spans[0][0] :].startswith(typed):
        score += 10  # smart case: "Multi" asks for the capitalized name
    spans = [(tail_start + start, tail_start + end) for start, end in tail_spans]
    if len(segments) > 1:
        prefix_spans = _segment_prefixes(segments[:-1], name[: max(tail_start - 1, 0)])
        if prefix_spans is None:
            score -= 40
        else:
            score += 15
            spans = prefix_spans + spans
    return score, tuple(spans)


def _score_tail(last: str, tail: str) -> tuple[float, list[Span]]:
    lowered = tail.lower()
    if lowered == last:
        return 100.0, [(0, len(tail))]
    if lowered.startswith(last):
        return 75.0 + 10 * len(last) / len(tail), [(0, len(last))]
    position = lowered.find(last)
    if position > 0:
        boundary = tail[position - 1] == "_" or (tail[position].isupper())
        return (55.0 if boundary else 40.0), [(position, position + len(last))]
    return _fuzzy(last, tail)


def _fuzzy(last: str, tail: str) -> tuple[float, list[Span]]:
    """Subsequence match; letters at word starts (after _ or a capital) count extra."""
    lowered = tail.lower()
    spans: list[Span] = []
    position = 0
    bonus = 0
    for char in last:
        found = lowered.find(char, position)
        if found < 0:
            return 0.0, []
        if found == 0 or tail[found - 1] == "_" or tail[found].isupper():
            bonus += 2
        spans.append((found, found + 1))
        position = found + 1
    return 20.0 + bonus - 0.2 * (len(tail) - len(last)), spans


def _segment_prefixes(segments: list[str], head: str) -> list[Span] | None:
    """Each query segment a prefix of a later name segment, in order; None otherwise."""
    spans: list[Span] = []
    offset = 0
    parts = head.split(".") if head else []
    index = 0
    for segment in segments:
        while index < len(parts) and not parts[index].lower().startswith(segment):
            offset += len(parts[index]) + 1
            index += 1
        if index == len(parts):
            return None
        spans.append((offset, offset + len(segment)))
        offset += len(parts[index]) + 1
        index += 1
    return spans


def _best(
    connection: sqlite3.Connection, rows: dict[int, tuple[Any, ...]], scores: dict[int, float],
    spans: dict[int, tuple[Span, ...]], query: Query, limit: int,
) -> list[Hit]:  # fmt: skip
    ranked = sorted(scores, key=lambda row_id: (-scores[row_id], rows[row_id][1]))
    chosen: list[int] = []
    groups: set[str] = set()
    for row_id in ranked:
        group = rows[row_id][3]
        if group in groups:
            continue  # one function inherited by fifty classes is one hit
        groups.add(group)
        chosen.append(row_id)
        if len(chosen) >= limit:
            break
    if not chosen:
        return []
    marks = ",".join("?" * len(chosen))
    details = {
        row_id: (summary, signature, defined_in)
        for row_id, summary, signature, defined_in in connection.execute(
            f"SELECT id, summary, signature, defined_in FROM entries WHERE id IN ({marks})", chosen
        )
    }  # fmt: skip
    hits = []
    for row_id in chosen:
        summary, signature, defined_in = details[row_id]
        hits.append(Hit(
            name=rows[row_id][1], kind=rows[row_id][2], summary=summary, signature=signature,
            defined_in=defined_in, score=round(scores[row_id], 3),
            name_spans=spans.get(row_id, ()), summary_spans=word_spans(summary, query.words),
        ))  # fmt: skip
    return hits


def word_spans(text: str, words: list[str]) -> tuple[Span, ...]:
    """Where the query's words (or their stems: "probabilities" ~ "probability") occur."""
    if not text or not words:
        return ()
    stems = sorted({word[: max(4, len(word) - 3)] if len(word) > 4 else word for word in words})
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")\w*", re.IGNORECASE)
    return tuple(match.span() for match in pattern.finditer(text))
