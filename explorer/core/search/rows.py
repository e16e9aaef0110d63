"""The index schema and how a merged entry becomes a row: its words, and its prior.

The prior is what ranks an entry before any query, stored with it: an object's
own entry before an inherited copy; a class or function before a method, a
module or data; shallower names; the canonical namespace before copies in
`qat`, `quantized`, `ao`, `fx`, `_internal`, `distributed`, `testing`...; a
documented entry before an undocumented one; a method many classes share
(Module.state_dict) before one class's own; an alias stub ("See torch.matmul")
after what it points to.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from explorer.core.search.vocab import namespace_weights

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    lname TEXT NOT NULL,
    tail TEXT NOT NULL,
    ntail TEXT NOT NULL,
    parent TEXT NOT NULL,
    kind TEXT NOT NULL,
    signature TEXT NOT NULL,
    summary TEXT NOT NULL,
    defined_in TEXT,
    inherited_from TEXT,
    grp TEXT NOT NULL,
    primary_entry INTEGER NOT NULL,
    prior REAL NOT NULL,
    alias_of TEXT,
    bases TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    tailw TEXT NOT NULL,
    pathw TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE aliases(name TEXT PRIMARY KEY, entry INTEGER NOT NULL, parent TEXT NOT NULL);
CREATE VIRTUAL TABLE docs USING fts5(
    tailw, pathw, summary, doc, content='entries', content_rowid='id',
    tokenize='porter unicode61'
);
CREATE VIRTUAL TABLE grams USING fts5(tail, tokenize='trigram', content='');
"""
_FINISH = """
INSERT INTO docs(rowid, tailw, pathw, summary, doc)
    SELECT id, tailw, pathw, summary, doc FROM entries WHERE primary_entry = 1;
CREATE TABLE tails(id INTEGER PRIMARY KEY, tail TEXT NOT NULL UNIQUE);
INSERT INTO tails(tail) SELECT DISTINCT tail FROM entries;
INSERT INTO grams(rowid, tail) SELECT id, tail FROM tails;
CREATE INDEX entries_tail ON entries(tail);
CREATE INDEX entries_ntail ON entries(ntail);
CREATE INDEX entries_lname ON entries(lname);
CREATE INDEX entries_parent ON entries(parent);
CREATE INDEX entries_grp ON entries(grp);
CREATE INDEX aliases_parent ON aliases(parent);
CREATE INDEX aliases_entry ON aliases(entry);
CREATE INDEX aliases_lower ON aliases(lower(name));
"""
_COLUMNS = (
    "id", "name", "lname", "tail", "ntail", "parent", "kind", "signature", "summary",
    "defined_in", "inherited_from", "grp", "primary_entry", "prior", "alias_of", "bases",
    "mentions", "tailw", "pathw", "doc",
)  # fmt: skip
_SURROGATE = re.compile("[\ud800-\udfff]")
_SNAKE = re.compile(r"[._]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z]{2})(?=[0-9])")
# "See `torch.matmul`", "Alias for `torch.abs`.", "Alias of :func:`torch.ge`": a stub that
# forwards to another name (the text is already plain: roles became backticks).
_STUB = re.compile(r"^(?:see|alias (?:for|of)|an alias for)\s+`?~?([\w.]+?)(?:\(\))?`?\s*\.?$",
                   re.IGNORECASE)  # fmt: skip
UNLISTED_PENALTY = 5.0  # a documented definition its module's `__all__` leaves out
_KIND_PRIOR = {
    "class": 3.0, "exception": 2.0, "function": 3.0, "builtin": 3.0, "module": 1.0,
    "method": 0.5, "classmethod": 0.5, "staticmethod": 0.5, "property": 0.0,
    "descriptor": -0.5, "data": -2.0,
}  # fmt: skip


def fill_sql() -> tuple[str, str, str, str]:
    """(schema, insert-entry, insert-alias, finishing statements)."""
    marks = ",".join("?" * len(_COLUMNS))
    return (
        _SCHEMA,
        f"INSERT OR IGNORE INTO entries({','.join(_COLUMNS)}) VALUES ({marks})",
        "INSERT OR IGNORE INTO aliases(name, entry, parent) VALUES (?, ?, ?)",
        _FINISH,
    )


def split_words(name: str) -> list[str]:
    """Snake and camel parts of one name: CrossEntropyLoss -> Cross Entropy Loss."""
    parts = [part for part in _SNAKE.split(name) if part]
    # A lowercase run of letters has no camel boundary (most parts): no second regex.
    return [piece for part in parts
            for piece in ((part,) if part.isalpha() and part.islower() else _CAMEL.split(part))
            if piece]  # fmt: skip


def name_words(name: str) -> str:
    """The words of every segment, whole and split: `cross_entropy` -> cross_entropy cross
    entropy (so a query may say either)."""
    segments = [segment for segment in name.split(".") if segment]
    words: list[str] = []
    for segment in segments:
        pieces = split_words(segment)
        words.append(segment)
        if pieces != [segment]:
            words.extend(pieces)
    return " ".join(words)


_path_words = lru_cache(maxsize=1 << 16)(name_words)  # a parent's words, once per parent
_tail_words = lru_cache(maxsize=1 << 16)(name_words)  # forward, __init__: shared by many


def stub_target(name: str, summary: str) -> str | None:
    """The name an alias stub forwards to (relative names resolved next to it), else None."""
    if summary.lstrip()[:1] not in ("s", "S", "a", "A"):
        return None  # (most summaries: not "See ...", "Alias for ...", "An alias for ...")
    match = _STUB.match(summary.strip())
    if match is None:
        return None
    target = match.group(1).strip(".")
    if "." not in target:
        target = f"{name.rpartition('.')[0]}.{target}"
    return None if target == name else target


def safe_text(value: Any) -> Any:
    """A string SQLite can store: lone surrogates (from a hostile docstring or name) become
    U+FFFD; anything else passes through."""
    if isinstance(value, str) and not value.isascii():
        return _SURROGATE.sub("\ufffd", value)
    return value


def entry_values(number: int, row: dict[str, Any]) -> tuple[Any, ...]:
    """The row for `_COLUMNS`, in their order (built directly: this runs per entry)."""
    name = row["name"]
    kind = row.get("kind") or "data"
    summary = row.get("summary") or ""
    signature = row.get("signature") or ""
    primary = bool(row.get("primary", True))
    full_doc = row.get("doc") or ""
    parent, _, tail = name.rpartition(".")
    alias_of = stub_target(name, summary)
    rank_prior = prior(name, kind, summary, primary, int(row.get("shared", 1)), alias_of,
                       is_deprecated(summary, full_doc), bool(row.get("unlisted")))  # fmt: skip
    values = (
        number, name, name.lower(), tail.lower(), tail.lower().replace("_", ""), parent, kind,
        signature, summary, row.get("defined_in"), row.get("inherited_from"),
        row.get("group") or name, int(primary), rank_prior, alias_of,
        " ".join(row.get("bases") or ()), int(row.get("mentions", 0)),
        _tail_words(tail) if primary else "", _path_words(parent) if primary else "",
        full_doc if primary else "",
    )  # fmt: skip
    if name.isascii() and summary.isascii() and signature.isascii() and full_doc.isascii():
        return values  # the common case: nothing to repair
    return tuple(safe_text(value) for value in values)


def is_deprecated(summary: str, doc: str) -> bool:
    """The docstring says early on that this is deprecated (users want what replaced it)."""
    return "deprecated" in summary.lower() or "deprecated" in doc[:400].lower()


def prior(
    name: str,
    kind: str,
    summary: str,
    primary: bool,
    shared: int,
    alias_of: str | None = None,
    deprecated: bool = False,
    unlisted: bool = False,
) -> float:
    """`unlisted`: left out of its module's `__all__` (a helper, or API the list forgot)."""
    documented = 2.0 if summary else 0.0
    sharing = min(8.0, math.log2(shared)) if shared > 1 else 0.0
    inherited_copy = 0.0 if primary else 2.0
    stub = 2.5 if alias_of else 0.0
    stub += 3.0 if deprecated else 0.0
    stub += UNLISTED_PENALTY if unlisted else 0.0
    return (
        _KIND_PRIOR.get(kind, 0.0) + _path_prior(name.rpartition(".")[0]) + documented
        + sharing - inherited_copy - stub
    )  # fmt: skip


@lru_cache(maxsize=1 << 16)
def _path_prior(parent: str) -> float:
    """What the path above a name says: depth, namespaces, private segments (cached: a
    module's or class's members share it)."""
    inner_segments = parent.split(".")[1:] if parent else []
    inner = namespace_weights()[1]
    namespace = sum(inner.get(segment, 0.0) for segment in inner_segments)
    private = sum(1 for segment in inner_segments if segment.startswith("_"))
    return -1.0 * len(inner_segments) + namespace - 2.0 * private
