"""Which plain words are read as another word: typos, not rare words."""

from __future__ import annotations

import sqlite3

from explorer.core.search.spelling import _nearest


def counts(uses: dict[str, int]) -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE words(word TEXT PRIMARY KEY, uses INTEGER)")
    connection.executemany("INSERT INTO words VALUES (?, ?)", uses.items())
    return connection


def test_an_unused_word_is_the_most_used_near_word() -> None:
    words = counts({"multinomial": 40, "multinomials": 2, "gaussian": 300, "russian": 900})
    assert _nearest(words, "mutlinomial") == "multinomial"  # a transposition is one edit
    assert _nearest(words, "gausian") == "gaussian"  # nearest first, then most used
    assert _nearest(words, "zebra") is None  # nothing near: left as typed


def test_a_word_the_docstrings_use_is_kept_unless_a_typo_of_a_common_one() -> None:
    words = counts({"gausian": 1, "gaussian": 300, "bernoulli": 3, "bernouli": 90})
    assert _nearest(words, "gausian") == "gaussian"  # docstrings have typos too
    assert _nearest(words, "bernoulli") is None  # used often enough to be meant
    assert _nearest(words, "gaussian") is None
