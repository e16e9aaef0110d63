"""Plain words no index knows ("gausian distribution") read as the nearest word one does.

Names already forgive typos (see `query`); words did not: full-text search finds
nothing for "convolutoin", and the rest of the query ("layer") wins on its own. The
words of every index (its names' words and docstrings) are counted once into a small
SQLite file beside the indexes, rebuilt when the set of indexes changes; a query
word missing from it becomes the word within `max_edits` of it (transpositions count
one) that the indexes use most.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from explorer.core.search.atomic import written_whole
from explorer.core.search.names import cache_dir, environment_tag
from explorer.core.search.scoring import max_edits
from explorer.core.search.store import SearchIndex

_WORD = re.compile(r"[a-z]{4,}")
RARE = 3  # a word used this often is a word, not a typo
RARER_BY = 30  # a rarer word is read as a near word used this many times as often
_SCHEMA = "CREATE TABLE words(word TEXT PRIMARY KEY, uses INTEGER) WITHOUT ROWID"


def corrections(words: Iterable[str], indexes: dict[str, SearchIndex]) -> dict[str, str]:
    """{typed word: the word meant} for each of `words` no index uses and one is near.
    An unwritable cache dir or an unreadable file means no corrections."""
    asked = [word for word in dict.fromkeys(words) if max_edits(word) and word.isalpha()]
    if not asked or not indexes:
        return {}
    try:
        with contextlib.closing(_open_counts(indexes)) as counts:
            return {word: near for word in asked if (near := _nearest(counts, word))}
    except (OSError, sqlite3.Error):
        return {}


def _nearest(counts: sqlite3.Connection, word: str) -> str | None:
    """The most used word within `max_edits` of `word`, when `word` is unused or so rare
    (docstrings have typos too) that a near word is used RARER_BY times as often."""
    row = counts.execute("SELECT uses FROM words WHERE word = ?", [word]).fetchone()
    own = row[0] if row else 0
    if own >= RARE:
        return None
    from rapidfuzz import process  # imported when first needed: most words are spelt right
    from rapidfuzz.distance import OSA

    allowed = max_edits(word)
    rows = counts.execute(
        "SELECT word, uses FROM words WHERE length(word) BETWEEN ? AND ?",
        [len(word) - allowed, len(word) + allowed],
    ).fetchall()
    uses: dict[str, int] = dict(rows)
    near = process.extract(word, list(uses), scorer=OSA.distance, score_cutoff=allowed,
                           limit=20)  # fmt: skip
    common = [match for match in near if match[1] > 0 and uses[match[0]] >= RARER_BY * own]
    if not common:
        return None
    best: str = min(common, key=lambda match: (match[1], -uses[match[0]]))[0]
    return best


def _open_counts(indexes: dict[str, SearchIndex]) -> sqlite3.Connection:
    path = cache_dir() / f"words-{environment_tag()}.db"
    stamp = _stamp(indexes)
    with contextlib.suppress(sqlite3.Error):
        counts = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
        try:
            if counts.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone() == (stamp,):
                return counts
        except sqlite3.Error:
            pass
        counts.close()
    _write_counts(path, stamp, [index.connection for index in indexes.values()])
    return sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)


def _stamp(indexes: dict[str, SearchIndex]) -> str:
    """Which packages, built from what: another build means other words."""
    digest = hashlib.sha1(usedforsecurity=False)
    for package in sorted(indexes):
        meta = indexes[package].meta
        digest.update(f"{package}\0{meta.get('fingerprint')}\0{meta.get('schema')}\n".encode())
    return digest.hexdigest()


def _write_counts(path: Path, stamp: str, indexes: Iterable[sqlite3.Connection]) -> None:
    counted: Counter[str] = Counter()
    for connection in indexes:
        for tail_words, summary, doc in connection.execute(
            "SELECT tailw, summary, doc FROM entries WHERE primary_entry = 1"
        ):
            counted.update(_WORD.findall(f"{tail_words} {summary} {doc}".lower()))
    with written_whole(path) as partial, contextlib.closing(sqlite3.connect(partial)) as writing:
        writing.execute(_SCHEMA)
        writing.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
        writing.executemany("INSERT INTO words VALUES (?, ?)", counted.items())
        writing.execute("INSERT INTO meta VALUES ('stamp', ?)", [stamp])
        writing.commit()
