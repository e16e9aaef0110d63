"""Search every index present at once: route by the first dotted segment, else merge.

`Library.open()` opens the stored index of each package whose installed version
it matches (an index of another version is left alone). A query whose first
segment names a package with an index (`json.dumps`, `np.zeros` -> numpy) asks
that index alone, unless it finds nothing good there; any other query asks every
index and ranks all candidates together (see `explorer.core.search.rank`).
Standard-library modules live in one index, `stdlib`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from explorer.core.dotted import did_you_mean
from explorer.core.search.names import (
    STDLIB,
    STDLIB_NAMES,
    IndexKey,
    cache_dir,
    index_file_suffix,
    index_home,
    package_version,
    python_tag,
)
from explorer.core.search.query import STRONG, parse_query
from explorer.core.search.rank import rank
from explorer.core.search.records import Candidate, Hit, Query
from explorer.core.search.scoring import PREFIX
from explorer.core.search.spelling import corrections
from explorer.core.search.store import IndexCorrupt, SearchIndex, open_index
from explorer.core.search.vocab import package_words, shorthands, words

__all__ = ["STDLIB_NAMES", "Library", "index_home", "stored_packages"]

_LETTERS = re.compile(r"[A-Za-z]+")


def stored_packages() -> list[str]:
    """Packages with an index file for this Python in the cache dir (any version)."""
    folder = cache_dir()
    suffix = index_file_suffix(python_tag())
    try:
        names = sorted(path.name for path in folder.iterdir() if path.name.endswith(suffix))
    except OSError:
        return []
    packages = {name.split("-", 1)[0] for name in names}
    return sorted(package for package in packages if package.isidentifier())


@dataclass(slots=True)
class Library:
    indexes: dict[str, SearchIndex] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, packages: list[str] | None = None) -> Library:
        library = cls()
        for package in stored_packages() if packages is None else packages:
            try:
                index = open_index(IndexKey(package, package_version(package), python_tag()))
            except IndexCorrupt as exc:
                library.notes.append(f"skipped the index of {package}: {exc}")
                continue
            if index is not None:
                library.indexes[package] = index
        return library

    def close(self) -> None:
        for index in self.indexes.values():
            index.close()
        self.indexes.clear()

    def route(self, query: Query) -> list[str]:
        """The indexes a query asks first: the one its scope or first segment names, or all."""
        scope = query.within.split(".", 1)[0] if query.within else ""
        if not scope and query.name and len(query.expanded) > 1:
            scope = query.expanded[0]
        home = index_home(scope) if scope else ""
        if home in self.indexes:
            return [home]
        return sorted(self.indexes)

    def search(self, text: str, limit: int = 20) -> list[Hit]:
        query = self._spelled(parse_query(text))
        routed = self.route(query)
        found = self._candidates(routed, query)
        if len(routed) < len(self.indexes) and not query.within and not _good(found):
            found = self._candidates(sorted(self.indexes), query)  # "os.path.join": posixpath
        named, implied = self._named_packages(query), self._implied_packages(query)
        return rank(found, limit, query, named, implied - named, self._other_names)

    def unknown_scope(self, text: str) -> str:
        """For a query whose `in:` names a package no index holds ("in:torhc"): one line
        saying so, with the nearest indexed names; "" for any other query."""
        scope = parse_query(text).within.split(".", 1)[0]
        if not scope or index_home(scope) in self.indexes:
            return ""
        known = set(self.indexes) | (STDLIB_NAMES if STDLIB in self.indexes else set())
        return f"no index holds {scope!r}{did_you_mean(scope, known - {STDLIB})}"

    def _spelled(self, query: Query) -> Query:
        """Plain words no index uses ("gausian distribution") read as the nearest word one
        does (see `spelling`); names have their own typo pass."""
        if query.name or not query.terms:
            return query
        # A word the synonym table knows is one people use, not a typo.
        unknown = (term.word for term in query.terms if not term.alternatives)
        fixes = corrections(unknown, self.indexes)
        if not fixes:
            return query
        fixed = _LETTERS.sub(lambda word: fixes.get(word.group().lower(), word.group()), query.text)
        return parse_query(fixed)

    def _named_packages(self, query: Query) -> frozenset[str]:
        """Packages, and standard-library modules, a plain-words query names ("numpy matrix
        inverse", "np argmax", "json string")."""
        named = set()
        for top in self._named_tops(query):
            home = index_home(top)
            if home in self.indexes:
                named.add(top if home == STDLIB else home)  # json's names, not all of stdlib
        return frozenset(named)

    def _implied_packages(self, query: Query) -> frozenset[str]:
        """Packages a plain-words query's words belong to ("tensor": torch)."""
        if query.name:
            return frozenset()
        implied = {package_words().get(word, "") for word in query.words}
        return frozenset(index_home(name) for name in implied if index_home(name) in self.indexes)

    def _named_tops(self, query: Query) -> set[str]:
        """Top-level names the words name: content words, and a stop-word that is an
        installed package's own name ("torch", dropped from full-text search because every
        torch name has it, still says which package)."""
        if query.name:
            return set()
        content = set(query.words)
        tops = (shorthands().get(word, word).split(".")[0] for word in words(query.text))
        return {top for top in tops if top in content or top in self.indexes}

    def _other_names(self, package: str, names: list[str]) -> dict[str, tuple[str, ...]]:
        index = self.indexes.get(package)
        return index.other_names(names) if index is not None else {}

    def _candidates(self, packages: list[str], query: Query) -> list[Candidate]:
        """What the indexes find; typo matches only when none matched well ("softmax" is
        torch's: fifty other indexes need not scan their names for near spellings)."""
        found = self._gather(packages, query, near=False)
        if not _matched_well(found, query):
            found = self._gather(packages, query, near=True)
        return found

    def _gather(self, packages: list[str], query: Query, *, near: bool) -> list[Candidate]:
        found: list[Candidate] = []
        for package in packages:
            found.extend(self.indexes[package].candidates(query, near=near))
        return found


def _matched_well(found: list[Candidate], query: Query) -> bool:
    """A name some index has (nearly) as typed; for words, anything at all."""
    if query.name:
        return any(candidate.name_score >= STRONG for candidate in found)
    return bool(found)


def _good(found: list[Candidate]) -> bool:
    return any(c.name_score >= PREFIX or c.relevance > 0 for c in found if not c.guess)
