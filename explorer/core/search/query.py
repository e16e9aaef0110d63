"""Parse a query and find what one index database might answer to it.

A query is free text plus optional filters inside it: `kind:class` (or
`kind:function,method`) and `in:torch.distributions`. One token (possibly dotted,
possibly shorthand: `F.relu`, `np.zeros`) is matched against names (see
`explorer.core.search.scoring`). The query's content words (stop-words dropped,
synonyms from the vocabulary added) go to FTS5: BM25 over the name's last
segment, its path (weighted low), the summary and the docstring, then a bonus
for covering every word and for words that stand together in the text as in
the query. Each entry's stored prior (see `explorer.core.search.rows`) is added.
`candidates()` scores one database; `explorer.core.search.rank.rank` orders the
candidates of any number of them together, folds alias stubs and shared
functions, and makes `Hit`s. A query too long or too deep is a QueryError before
SQLite sees it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from explorer.core.search import text
from explorer.core.search.inherit import inherited_row
from explorer.core.search.records import CANDIDATE_COLUMNS, Candidate, Hit, Query, QueryError
from explorer.core.search.scoring import EXACT, PATH_BONUS, max_edits, score_name
from explorer.core.search.vocab import query_terms

__all__ = ["Candidate", "Hit", "Query", "QueryError", "candidates", "parse_query"]

MAX_QUERY_CHARS = 500
MAX_SEGMENTS = 16
MAX_TERMS = 24
_CANDIDATE_CAP = 400
_NAME_TOKEN = re.compile(r"[A-Za-z_][\w.]*(?:\(\))?")
_SELECT = f"SELECT {CANDIDATE_COLUMNS} FROM entries WHERE "
STRONG = 75.0  # a name match this good (exact, normalised, prefix) needs no typo pass


def parse_query(raw: str) -> Query:
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too long ({len(raw)} characters; at most "
                         f"{MAX_QUERY_CHARS})")  # fmt: skip
    kinds: list[str] = []
    within = ""
    plain: list[str] = []
    for token in raw.split():
        field_name, colon, value = token.partition(":")
        if colon and field_name.lower() == "kind" and value:
            kinds.extend(kind for kind in value.lower().split(",") if kind)
        elif colon and field_name.lower() == "in" and value:
            within = value.strip(".")
        else:
            plain.append(token)
    name = ""
    if len(plain) == 1 and _NAME_TOKEN.fullmatch(plain[0]):
        name = plain[0].removesuffix("()").strip(".")
    if name.count(".") >= MAX_SEGMENTS or within.count(".") >= MAX_SEGMENTS:
        raise QueryError(f"the dotted name is too deep (at most {MAX_SEGMENTS} segments)")
    words = " ".join(plain) if not name else " ".join([name.replace(".", " ")])
    terms = query_terms(words)
    if len(terms) > MAX_TERMS:
        raise QueryError(f"the query has too many words (at most {MAX_TERMS})")
    return Query(raw, name, tuple(terms), tuple(kinds), within)


def candidates(
    connection: sqlite3.Connection, query: Query, tails: Callable[[], list[str]],
    package: str = "", *, near: bool = True,
) -> list[Candidate]:  # fmt: skip
    """Every entry of this database that the query might mean, with its raw scores.
    `near=False` skips the slow passes for typos (names a few edits away, guesses): a
    library of indexes asks for them only when no index matched well."""
    if not (query.name or query.terms or query.kinds or query.within):
        return []
    where, params = _filters(query)
    found: dict[int, Candidate] = {}
    if query.name:
        _name_matches(connection, query, where, params, tails if near else None, package, found)
    if query.terms:
        text.add_text_matches(connection, query.terms, bool(query.name), where, params,
                              package, found)  # fmt: skip
        if len(query.terms) > 1 and not query.name:
            text.add_name_word_matches(connection, query.terms, where, params, package, found)
    if not query.name and not query.terms:
        sql = (f"SELECT {CANDIDATE_COLUMNS} FROM entries WHERE primary_entry = 1{where} "
               f"ORDER BY prior DESC, name LIMIT {_CANDIDATE_CAP}")  # fmt: skip
        for row in connection.execute(sql, params):
            found[row["id"]] = Candidate.from_row(row, package)
    if near and not found and (query.name or query.terms):
        _guesses(connection, query, where, params, tails(), package, found)
    return list(found.values())


def _filters(query: Query) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if query.kinds:
        clauses.append(f"entries.kind IN ({','.join('?' * len(query.kinds))})")
        params.extend(query.kinds)
    if query.within:
        within = query.within.lower()
        clauses.append("(entries.lname = ? OR (entries.lname > ? AND entries.lname < ?))")
        params.extend([within, within + ".", within + "/"])  # "/" sorts right after "."
    return "".join(f" AND {clause}" for clause in clauses), params


def _name_matches(
    connection: sqlite3.Connection, query: Query, where: str, params: list[Any],
    tails: Callable[[], list[str]] | None, package: str, found: dict[int, Candidate],
) -> None:  # fmt: skip
    readings = [query.segments]
    if query.expanded != query.segments:
        readings.insert(0, query.expanded)
    for segments in readings:
        if segments is not readings[0] and any(c.exact_path for c in found.values()):
            break  # "F.relu" found torch.nn.functional.relu: F is not FloatTensor here
        rows = _name_rows(connection, segments, bool(query.within), where, params, strict=True)
        best = _score_rows(rows, segments, package, found)
        best = max(best, _alias_rows(connection, segments, package, found))
        if len(segments) > 1 and not where and not any(c.exact_path for c in found.values()):
            best = max(best, _inherited_matches(connection, segments, package, found))
        if best < STRONG and len(segments) > 1:  # "torch.optm.Adam": a typo in a prefix
            rows = _name_rows(connection, segments, bool(query.within), where, params)
            best = max(best, _score_rows(rows, segments, package, found))
        if tails is not None and best < STRONG and len(segments[-1]) >= 3:
            typos = _typo_tails(segments[-1].lower(), tails()) if max_edits(segments[-1]) else []
            typos = typos or _scattered_tails(segments[-1].lower(), tails())
            if typos:
                marks = ",".join("?" * len(typos))
                sql = f"SELECT {CANDIDATE_COLUMNS} FROM entries WHERE tail IN ({marks}){where}"
                _score_rows(connection.execute(sql, [*typos, *params]).fetchall(),
                            segments, package, found)  # fmt: skip


def _name_rows(
    connection: sqlite3.Connection, segments: list[str], within: bool, where: str,
    params: list[Any], *, strict: bool = False,
) -> list[Any]:  # fmt: skip
    """Rows whose name may match; `strict`: each earlier segment must start a segment of the
    name (checked in C, so hundreds of inherited `*.state_dict` never reach Python)."""
    last = segments[-1].lower()
    if len(segments) == 1 and not within:
        # An inherited copy (Square.area) would lose to its owner (Shape.area) anyway;
        # a dotted query or an in: filter may ask for it by its own name.
        where = " AND entries.primary_entry = 1" + where
    if strict:
        for segment in reversed(segments[:-1]):
            where = " AND instr('.' || entries.lname, ?) > 0" + where
            params = ["." + segment.lower(), *params]
    select = f"SELECT {CANDIDATE_COLUMNS} FROM entries WHERE "
    joined = ".".join(segments).lower()
    rows = connection.execute(select + "lname = ?" + where, [joined, *params]).fetchall()
    rows += connection.execute(select + "tail = ?" + where, [last, *params]).fetchall()
    rows += connection.execute(
        select + "ntail = ?" + where, [last.replace("_", ""), *params]
    ).fetchall()
    rows += connection.execute(
        select + f"tail > ? AND tail < ?{where} LIMIT {_CANDIDATE_CAP}",
        [last, last + "\uffff", *params],
    ).fetchall()
    if len(last) >= 3:  # substrings, through the trigram index
        rows += connection.execute(
            select + "tail IN (SELECT tail FROM tails WHERE id IN (SELECT rowid FROM grams "
            f"WHERE grams MATCH ? LIMIT {_CANDIDATE_CAP})){where} LIMIT {_CANDIDATE_CAP}",
            [text.quote(last), *params],
        ).fetchall()
    return rows


def _alias_rows(
    connection: sqlite3.Connection, segments: list[str], package: str,
    found: dict[int, Candidate],
) -> float:  # fmt: skip
    """The object the full dotted name is another name of (a module's re-export)."""
    typed = ".".join(segments)
    rows = connection.execute(
        _SELECT + "id IN (SELECT entry FROM aliases WHERE name = ? OR lower(name) = ?)",
        [typed, typed.lower()],
    ).fetchall()
    for row in rows:
        candidate = found.get(row["id"]) or Candidate.from_row(row, package)
        found[row["id"]] = candidate
        candidate.name_score = max(candidate.name_score, EXACT + PATH_BONUS + 8.0)
        candidate.exact_path = True
    return EXACT if rows else 0.0


def _inherited_matches(
    connection: sqlite3.Connection, segments: list[str], package: str,
    found: dict[int, Candidate],
) -> float:  # fmt: skip
    """`SGD.zero_grad`: a member the named class inherits (stored once, under the base that
    defines it), found under the name as typed."""
    owner, member = segments[:-1], segments[-1].lower()
    classes = connection.execute(
        _SELECT + "tail = ? AND bases != '' AND kind IN ('class', 'exception')",
        [owner[-1].lower()],
    ).fetchall()
    best = 0.0
    for klass in classes:
        if score_name(owner, klass["name"])[0] < EXACT:
            continue  # the class must be the one typed, not one like it
        answer = inherited_row(connection, klass["name"], member, CANDIDATE_COLUMNS, lower=True)
        if answer is None:
            continue
        row = answer[0]
        name = f"{klass['name']}.{row['name'].rpartition('.')[2]}"
        score, spans, exact_path = score_name(segments, name)
        candidate = Candidate.from_row(row, package)
        candidate.name = name
        candidate.name_score, candidate.name_spans, candidate.exact_path = score, spans, exact_path
        found[-((klass["id"] << 32) + row["id"])] = candidate
        best = max(best, score)
    return best


def _score_rows(
    rows: Iterable[Any], segments: list[str], package: str, found: dict[int, Candidate]
) -> float:
    best = 0.0
    for row in rows:
        score, spans, exact_path = score_name(segments, row["name"])
        if score <= 0:
            continue
        candidate = found.get(row["id"]) or Candidate.from_row(row, package)
        found[row["id"]] = candidate
        if score > candidate.name_score:
            candidate.name_score, candidate.name_spans = score, spans
            candidate.exact_path = exact_path
        best = max(best, score)
    return best


def _typo_tails(last: str, tails: list[str]) -> list[str]:
    """Last segments up to two edits (transpositions count one) from the typed one."""
    from rapidfuzz import process  # imported when first needed: most queries never are
    from rapidfuzz.distance import OSA

    allowed = max_edits(last)
    matches = process.extract(last, tails, scorer=OSA.distance, score_cutoff=allowed,
                              limit=60)  # fmt: skip
    return [choice for choice, _, _ in matches]


def _scattered_tails(last: str, tails: list[str]) -> list[str]:
    """Last segments that start with the typed first letter and hold the rest in order
    ("mltnml"), shortest first."""
    if len(last) < 4:
        return []
    pattern = re.compile(".*?".join(map(re.escape, last)))
    return sorted((t for t in tails if t[:1] == last[0] and pattern.match(t)), key=len)[:60]


def _guesses(
    connection: sqlite3.Connection, query: Query, where: str, params: list[Any],
    tails: list[str], package: str, found: dict[int, Candidate],
) -> None:  # fmt: skip
    """Nothing matched: the names nearest to what was typed, marked as guesses."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    words = [query.segments[-1]] if query.name else [t.word for t in query.terms]
    near: list[str] = []
    for word in words:
        if len(word) >= 3:
            limit = max(2, len(word) // 3)
            near += [c for c, _, _ in process.extract(word.lower(), tails, scorer=OSA.distance,
                                                      score_cutoff=limit, limit=5)]  # fmt: skip
    if not near:
        return
    marks = ",".join("?" * len(near))
    sql = _SELECT + f"primary_entry = 1 AND tail IN ({marks}){where}"
    for row in connection.execute(sql, [*near, *params]).fetchall():
        candidate = Candidate.from_row(row, package)
        distance = min(
            OSA.distance(w.lower(), row["name"].rpartition(".")[2].lower()) for w in words
        )
        candidate.name_score = 30.0 - 5 * distance
        candidate.guess = True
        found[row["id"]] = candidate
