"""Back/forward navigation history: a bounded list and a cursor, no UI code.

Like a browser (and Frogmouth's viewer history): visiting a new place drops
everything forward of the cursor; the oldest entries fall off past `limit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(slots=True)
class Location:
    """Where the user was: the target, the member selected and how far they had scrolled."""

    target: str
    selected: str | None = None
    tab: str = "doc"
    list_scroll: float = 0.0
    doc_scroll: float = 0.0


@dataclass(slots=True)
class History(Generic[T]):
    limit: int = 100
    _entries: list[T] = field(default_factory=list)
    _index: int = -1

    @property
    def current(self) -> T | None:
        return self._entries[self._index] if self._entries else None

    @property
    def can_go_back(self) -> bool:
        return self._index > 0

    @property
    def can_go_forward(self) -> bool:
        return 0 <= self._index < len(self._entries) - 1

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> list[T]:
        return list(self._entries)

    def visit(self, entry: T) -> None:
        """Make `entry` current; forward entries are dropped."""
        del self._entries[self._index + 1 :]
        self._entries.append(entry)
        overflow = len(self._entries) - self.limit
        if overflow > 0:
            del self._entries[:overflow]
        self._index = len(self._entries) - 1

    def replace_current(self, entry: T) -> None:
        """Update the current entry in place (e.g. to remember selection before leaving)."""
        if self._entries:
            self._entries[self._index] = entry
        else:
            self.visit(entry)

    def back(self) -> T | None:
        if not self.can_go_back:
            return None
        self._index -= 1
        return self._entries[self._index]

    def forward(self) -> T | None:
        if not self.can_go_forward:
            return None
        self._index += 1
        return self._entries[self._index]
