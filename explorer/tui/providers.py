"""Command-palette providers: members of the target on screen, and any name of the package.

`MemberProvider` fuzzy-matches the listing of whatever screen offers one (the
explorer); `IndexSearchProvider` queries every stored search index in-process
(no import of any package) and never builds one: when there is none it offers
the search screen instead. Choosing an index hit posts
`SearchScreen.TargetChosen`. The search machinery loads with the palette's
first use (explorer.tui.deferred), not at start-up.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from explorer import settings
from explorer.core.errors import UsageError
from explorer.core.model import Listing
from explorer.core.search.store import IndexCorrupt
from explorer.tui import deferred

if TYPE_CHECKING:
    from explorer.core.search.library import Library

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
    """Hits from every stored index, routed as the search screen routes (never builds one:
    with no index at all it offers the search screen, which builds the one on screen)."""

    _library: Library | None = None

    @property
    def package(self) -> str:
        return str(getattr(self.app, "search_package", None) or settings.DEFAULT_PACKAGE)

    async def startup(self) -> None:
        self._library = await asyncio.to_thread(self._open)

    def _open(self) -> Library | None:
        try:
            library = deferred.open_library(self.package, build=False).library
        except (UsageError, IndexCorrupt, OSError):
            return None
        if not library.indexes:
            library.close()
            return None
        return library

    async def shutdown(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None

    async def discover(self) -> Hits:
        if self._library is None:
            yield DiscoveryHit(
                f"Search {self.package} (builds its index first)",
                partial(self.app.push_screen, deferred.search_screen(self.package)),
                help="No search index yet: the search screen builds one, with progress.",
            )

    async def search(self, query: str) -> Hits:
        library = self._library
        if library is None or not query.strip():
            return
        try:
            hits = await asyncio.to_thread(library.search, query, PALETTE_LIMIT)
        except (IndexCorrupt, UsageError):
            return  # a query the index refuses (too long): no hits, the palette stays
        top = hits[0].score if hits and hits[0].score > 0 else 1.0
        for hit in hits:
            yield Hit(
                max(min(hit.score / top, 1.0), 0.01),  # the palette sorts by score in (0, 1]
                deferred.hit_title(hit),
                partial(self._choose, hit.name),
                text=hit.name,
                help=hit.summary or None,
            )

    def _choose(self, target: str) -> None:
        self.app.post_message(deferred.search_hit_chosen(target))
