"""The records search passes around: a parsed query, a candidate under ranking, a hit."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from explorer.core.errors import UsageError
from explorer.core.search.scoring import Span
from explorer.core.search.vocab import Term, shorthands

# What ranking reads of an entry (`Candidate.from_row` takes them in this order).
CANDIDATE_COLUMNS = ", ".join(
    f"entries.{column}"
    for column in (
        "id", "name", "kind", "grp", "primary_entry", "prior", "alias_of", "summary",
        "signature", "defined_in", "mentions",
    )
)  # fmt: skip


class QueryError(UsageError):
    """The query cannot be run as typed (too long, too deep): the index is fine."""


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
    also: tuple[str, ...] = ()  # other names of the same object (alias stubs, re-exports)
    package: str = ""  # the index it came from
    guess: bool = False  # nothing matched well: a "did you mean" suggestion

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["name_spans"] = [list(span) for span in self.name_spans]
        data["summary_spans"] = [list(span) for span in self.summary_spans]
        data["also"] = list(self.also)
        return data


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    name: str = ""  # the single (maybe dotted) token matched against names, as typed
    terms: tuple[Term, ...] = ()  # content words for full-text search
    kinds: tuple[str, ...] = ()
    within: str = ""

    @property
    def segments(self) -> list[str]:
        """The name's dotted segments as typed (capitals make matching case-sensitive)."""
        return [segment for segment in self.name.split(".") if segment]

    @property
    def expanded(self) -> list[str]:
        """The segments with a shorthand first segment spelled out (F -> torch.nn.functional)."""
        segments = self.segments
        if len(segments) > 1 and segments[0] in shorthands():
            return [*shorthands()[segments[0]].split("."), *segments[1:]]
        return segments

    @property
    def words(self) -> list[str]:
        return [term.word for term in self.terms]


@dataclass(slots=True)
class Candidate:
    """One entry under consideration, with what each kind of match said about it."""

    id: int
    name: str
    kind: str
    group: str
    primary: bool
    prior: float
    alias_of: str | None
    summary: str
    signature: str
    defined_in: str | None
    package: str = ""
    mentions: int = 0  # other docstrings of its package that name it
    name_score: float = 0.0
    name_spans: tuple[Span, ...] = ()
    exact_path: bool = False
    relevance: float = 0.0  # raw BM25 (larger is better)
    coverage: float = 0.0  # share of the query's words found, synonyms at a discount
    phrase: float = 0.0  # share of adjacent query word pairs found together
    name_words: float = 0.0  # share of the query's words that are words of the name
    guess: bool = False
    source: sqlite3.Connection | None = None  # where its text lives, for the coverage pass

    @classmethod
    def from_row(cls, row: sqlite3.Row, package: str) -> Candidate:
        """From a row of CANDIDATE_COLUMNS, read by name."""
        return cls(
            row["id"], row["name"], row["kind"], row["grp"], bool(row["primary_entry"]),
            float(row["prior"]), row["alias_of"], row["summary"], row["signature"],
            row["defined_in"], package, row["mentions"],
        )  # fmt: skip
