"""Command palette provider: jump to any member of the current target."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from explorer.tui.screens.explorer import ExplorerScreen


class MemberProvider(Provider):
    """Fuzzy-matches member names of the listing on screen; choosing one selects it."""

    def _explorer(self) -> ExplorerScreen | None:
        from explorer.tui.screens.explorer import ExplorerScreen

        screen = self.screen
        return screen if isinstance(screen, ExplorerScreen) else None

    def _members(self) -> list[tuple[str, str, str]]:
        explorer = self._explorer()
        if explorer is None or explorer.listing is None:
            return []
        return [(m.name, m.kind, m.summary) for m in explorer.listing.members]

    async def discover(self) -> Hits:
        explorer = self._explorer()
        for name, kind, summary in self._members()[:50]:
            if explorer is not None:
                yield DiscoveryHit(f"{name}  ({kind})", partial(explorer.goto_member, name),
                                   help=summary or None)

    async def search(self, query: str) -> Hits:
        explorer = self._explorer()
        if explorer is None:
            return
        matcher = self.matcher(query)
        for name, kind, summary in self._members():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(f"{name}  ({kind})"),
                    partial(explorer.goto_member, name),
                    text=name,
                    help=summary or None,
                )
