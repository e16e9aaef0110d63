"""The search vocabulary, read from data files beside this module: stop-words, shorthand
prefixes (`F` -> torch.nn.functional) and synonyms (the words people use -> the words
docstrings use). Editing the tables changes what search understands; no code does.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from explorer.core.errors import UsageError
from explorer.core.search.atomic import written_whole
from explorer.core.search.names import cache_dir

_WORD = re.compile(r"[a-z0-9_]+(?:-[a-z0-9_]+)*")


# Read as plain files beside the module: importlib.resources would cost a zipfile import.
_DATA = Path(__file__).with_name("data")


def _lines(name: str, text: str | None = None) -> list[str]:
    text = (_DATA / name).read_text("utf-8") if text is None else text
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def stop_words() -> frozenset[str]:
    return frozenset(line.strip().lower() for line in _lines("stopwords.txt"))


def _pairs(name: str) -> dict[str, str]:
    """A two-column table: first column -> second, both stripped, incomplete lines skipped."""
    table: dict[str, str] = {}
    for line in _lines(name):
        key, _, value = line.partition("\t")
        if key.strip() and value.strip():
            table[key.strip()] = value.strip()
    return table


@cache
def shorthands() -> dict[str, str]:
    """`{"F": "torch.nn.functional", "np": "numpy", ...}` (case as typed)."""
    return _pairs("aliases.tsv")


@cache
def package_words() -> dict[str, str]:
    """`{"tensor": "torch", ...}`: words that say which package a query is about."""
    return {word.lower(): package for word, package in _pairs("package_words.tsv").items()}


@cache
def synonyms() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Phrase (a tuple of 1-4 lower-case words) -> alternative words. A phrase with stop-words
    is also kept without them ("files in a folder": files folder), as queries are read."""
    text = (_DATA / "synonyms.tsv").read_text("utf-8")
    # Parsing 3,000 lines is a tenth of a warm CLI search: the parsed table is kept in the
    # cache dir, named by a digest of what it was parsed from (the stop-words shape it too).
    source = f"{text}\0{sorted(stop_words())}".encode()
    digest = hashlib.sha1(source, usedforsecurity=False).hexdigest()[:16]
    with contextlib.suppress(OSError, ValueError, TypeError, UsageError):
        stored = json.loads((cache_dir() / f"synonyms-{digest}.json").read_text("utf-8"))
        return {tuple(phrase): tuple(values) for phrase, values in stored}
    table = _parse_synonyms(text)
    with contextlib.suppress(OSError, UsageError):
        _store_synonyms(cache_dir(), f"synonyms-{digest}.json", table)
    return table


def _parse_synonyms(text: str) -> dict[tuple[str, ...], tuple[str, ...]]:
    table: dict[tuple[str, ...], list[str]] = {}
    stops = stop_words()
    for line in _lines("synonyms.tsv", text):
        key, _, values = line.partition("\t")
        # split at hyphens, as queries are: "multi-head" is looked up as ("multi", "head")
        phrase = tuple(piece for word in words(key) for piece in word.split("-") if piece)
        content = tuple(word for word in phrase if word not in stops)
        for form in (phrase, content) if len(content) > 1 and content != phrase else (phrase,):
            if form and values.split():
                alternatives = table.setdefault(form, [])
                alternatives.extend(v for v in values.lower().split() if v not in alternatives)
    return {phrase: tuple(values) for phrase, values in table.items()}


def _store_synonyms(folder: Path, name: str, table: dict[tuple[str, ...], tuple[str, ...]]) -> None:
    """Write the parsed table whole (a reader sees all of it or none) and drop the tables
    of earlier versions of the file."""
    folder.mkdir(parents=True, exist_ok=True)
    with written_whole(folder / name) as partial:
        partial.write_text(json.dumps(list(table.items())), "utf-8")
    for old in folder.glob("synonyms-*.json"):
        if old.name != name:
            old.unlink(missing_ok=True)


@cache
def _weights_by_place() -> dict[str, dict[str, float]]:
    """namespaces.tsv as {"top" | "inner" | "package": {segment or index: weight}}."""
    table: dict[str, dict[str, float]] = {"top": {}, "inner": {}, "package": {}}
    for line in _lines("namespaces.tsv"):
        fields = line.split("\t")
        if len(fields) == 3 and fields[1].strip() in table:
            table[fields[1].strip()][fields[0].strip()] = float(fields[2])
    return table


@cache
def namespace_weights() -> tuple[dict[str, float], dict[str, float]]:
    """(first-segment weights, inner-segment weights) from namespaces.tsv."""
    return _weights_by_place()["top"], _weights_by_place()["inner"]


@cache
def package_weights() -> dict[str, float]:
    """{index: weight} for names whose first segment has no weight of its own."""
    return _weights_by_place()["package"]


def words(text: str) -> list[str]:
    """Lower-case words; a hyphenated term ("vector-jacobian") stays one token here."""
    return _WORD.findall(text.lower())


@dataclass(frozen=True, slots=True)
class Term:
    """One thing the query asks for: a word as typed and what else it may be written as."""

    word: str
    alternatives: tuple[str, ...] = ()  # from the synonym table, searched at a discount
    # those a phrase of two or more words gave ("clear gradients": zero_grad): what the
    # person means, more surely than any one word's synonyms
    meant: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.word, *self.alternatives)


def query_terms(text: str) -> list[Term]:
    """The query's content words in order, stop-words dropped (unless nothing else is left),
    hyphenated terms split, each with the synonyms of any phrase it starts or belongs to."""
    raw = [piece for token in words(text) for piece in token.split("-") if piece]
    stops = stop_words()
    kept = [i for i, word in enumerate(raw) if word not in stops]
    if not kept:
        kept = list(range(len(raw)))
    extra: list[list[str]] = [[] for _ in raw]
    meant: list[list[str]] = [[] for _ in raw]
    # Phrases as typed ("lower triangle"), then over the content words alone, so a
    # phrase with a stop-word inside ("fix some arguments") is still the phrase.
    for positions in (list(range(len(raw))), kept):
        _add_synonyms(raw, positions, extra, meant)
    terms = []
    for i in kept:
        alternatives = tuple(dict.fromkeys(a for a in extra[i] if a != raw[i]))
        terms.append(Term(raw[i], alternatives, tuple(dict.fromkeys(meant[i]))))
    return terms


def _add_synonyms(
    raw: list[str], positions: list[int], extra: list[list[str]], meant: list[list[str]]
) -> None:
    """Each phrase of 1-4 of these words (in order) that the synonym table knows adds its
    alternatives to every word in it. A phrase of two or more words also matches with one
    other word inside it ("fit a straight line" holds "fit line")."""
    for size in (4, 3, 2, 1):
        for start in range(len(positions) - size + 1):
            _add_phrase(raw, positions[start : start + size], extra, meant)
            window = positions[start : start + size + 1]
            if size > 1 and len(window) == size + 1:
                for skipped in range(1, size):
                    _add_phrase(raw, window[:skipped] + window[skipped + 1 :], extra, meant)


def _add_phrase(
    raw: list[str], chosen: list[int], extra: list[list[str]], meant: list[list[str]]
) -> None:
    found = synonyms().get(tuple(raw[i] for i in chosen), ())
    for position in chosen:
        extra[position].extend(found)
        if len(chosen) > 1:
            meant[position].extend(found)
