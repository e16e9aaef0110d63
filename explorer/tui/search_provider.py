"""Command palette provider: "go to symbol" anywhere in a package, from the search index.

It queries the same SQLite index as the search screen (read in-process, no import
of the package) and never builds one: when the index is missing it offers the
search screen instead. Choosing a hit posts `SearchScreen.TargetChosen`.
"""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from explorer.core.index import IndexCorrupt, SearchIndex
from explorer.errors import UsageError
from explorer.proc.index_build import stored_index
from explorer.tui.screens.search import DEFAULT_PACKAGE, SearchScreen, hit_title

PALETTE_LIMIT = 20


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
