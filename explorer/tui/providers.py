"""Command-palette providers: members of the target on screen, and any name of the package.

`MemberProvider` fuzzy-matches the listing of whatever screen offers one (the
explorer); `IndexSearchProvider` queries the package's search index in-process
(no import of the package) and never builds one: when the index is missing it
offers the search screen instead. Choosing an index hit posts
`SearchScreen.TargetChosen`.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from explorer.core.errors import UsageError
from explorer.core.model import Listing
from explorer.core.search.store import IndexCorrupt, SearchIndex
from explorer.proc.search.build import stored_index
from explorer.tui.screens.search import DEFAULT_PACKAGE, SearchScreen, hit_title

PALETTE_LIMIT = 20


@runtime_checkable
class MemberSource(Protocol):
    """A screen with a listing on show (so this module never imports the explorer screen)."""

    listing: Listing | None

    def goto_member(self, name: str) -> None: ...


class MemberProvider(Provider):
    """Fuzzy-matches member names of the listing on screen; choosing one selects it."""

    def _source(self) -> MemberSource | None:
        screen = self.screen
        return screen if isinstance(screen, MemberSource) else None

    def _members(self) -> list[tuple[str, str, str]]:
        source = self._source()
        if source is None or source.listing is None:
            return []
        return [(m.name, m.kind, m.summary) for m in source.listing.members]

    async def discover(self) -> Hits:
        source = self._source()
        if source is None:
            return
        for name, kind, summary in self._members()[:50]:
            yield DiscoveryHit(
                f"{name}  ({kind})", partial(source.goto_member, name), help=summary or None
            )

    async def search(self, query: str) -> Hits:
        source = self._source()
        if source is None:
            return
        matcher = self.matcher(query)
        for name, kind, summary in self._members():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(f"{name}  ({kind})"),
                    partial(source.goto_member, name),
                    text=name,
                    help=summary or None,
                )


class IndexSearchProvider(Provider):
    """Hits from the index of `app.search_package` (torch when the app does not say)."""

    _index: SearchIndex | None = None

    @property
    def package(self) -> str:
        return str(getattr(self.app, "search_package", None) or DEFAULT_PACKAGE)

    async def startup(self) -> None:
        self._index = await asyncio.to_thread(self._open)

    def _open(self) -> SearchIndex | None:
        try:
            outcome = stored_index(self.package)
        except (UsageError, IndexCorrupt):
            return None
        return outcome.index if outcome is not None else None

    async def shutdown(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None

    async def discover(self) -> Hits:
        if self._index is None:
            yield DiscoveryHit(
                f"Search {self.package} (builds its index first)",
                partial(self.app.push_screen, SearchScreen(self.package)),
                help="No search index yet: the search screen builds one, with progress.",
            )

    async def search(self, query: str) -> Hits:
        index = self._index
        if index is None or not query.strip():
            return
        try:
            hits = await asyncio.to_thread(index.search, query, PALETTE_LIMIT)
        except IndexCorrupt:
            return
        top = hits[0].score if hits and hits[0].score > 0 else 1.0
        for hit in hits:
            yield Hit(
                max(min(hit.score / top, 1.0), 0.01),  # the palette sorts by score in (0, 1]
                hit_title(hit),
                partial(self._choose, hit.name),
                text=hit.name,
                help=hit.summary or None,
            )

    def _choose(self, target: str) -> None:
        self.app.post_message(SearchScreen.TargetChosen(target))
