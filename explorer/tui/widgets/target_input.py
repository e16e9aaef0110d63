"""An Input for dotted names that completes them as you type (→ or Tab accepts).

`torch.distributions.Mul` completes from the members of `torch.distributions`,
asked of the worker (so the UI still never imports a target); a name without
a dot completes from the importable top-level modules (found on disk, not
imported) and the recent and suggested targets.
"""

from __future__ import annotations

import asyncio
import pkgutil
import sys
from collections.abc import Callable, Iterable

from textual.actions import SkipAction
from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input

from explorer.core.dotted import TargetError, validate
from explorer.tui.services.backend import Backend, BackendError


def top_level_modules() -> list[str]:
    """Importable top-level names, read from the path entries (no imports)."""
    names = set(sys.builtin_module_names)
    paths = [p for p in sys.path if p not in ("", ".")]
    names.update(module.name for module in pkgutil.iter_modules(paths))
    return sorted(name for name in names if not name.startswith("_"))


def best_completion(value: str, candidates: Iterable[str]) -> str | None:
    """The shortest candidate that starts with `value` (same case first, then any case)."""
    matches = [c for c in candidates if c.startswith(value) and c != value]
    if not matches:
        folded = value.casefold()
        matches = [c for c in candidates if c.casefold().startswith(folded) and len(c) > len(value)]
    if not matches:
        return None
    return min(matches, key=lambda c: (c.rsplit(".", 1)[-1].startswith("_"), len(c), c))


class DottedNames(Suggester):
    """Completion for dotted names; a lookup that fails just offers nothing."""

    def __init__(self, backend: Backend | None, extra: Callable[[], Iterable[str]] = tuple) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.backend = backend
        self.extra = extra
        self._members: dict[str, list[str]] = {}
        self._top: list[str] | None = None

    async def get_suggestion(self, value: str) -> str | None:
        """Recent and suggested targets first (what you came for before), then names."""
        try:
            return best_completion(value, self.extra()) or best_completion(
                value, await self._names_under(value)
            )
        except Exception:  # noqa: BLE001 - completion is a convenience: never an error
            return None

    async def resolve(self, value: str, context: str = "") -> str:
        """What Enter opens for `value`: a name relative to `context` made absolute
        (`Normal.sample` on torch.distributions), and an unfinished last segment completed
        the way the suggestion shows it (`Bernoulli.ent` -> `Bernoulli.entropy`); a name
        that exists as typed stays as typed."""
        try:
            value = await self._absolute(value, context)
            known = [*self.extra(), *await self._names_under(value)]
        except Exception:  # noqa: BLE001 - a convenience: the name opens as typed
            return value
        return value if value in known else best_completion(value, known) or value

    async def _absolute(self, value: str, context: str) -> str:
        head = value.split(".", 1)[0]
        if not context or head in await self._names_under(head):
            return value  # a top-level module: absolute already
        return f"{context}.{value}" if head in await self._names(context) else value

    async def _names_under(self, value: str) -> list[str]:
        parent, dot, _ = value.rpartition(".")
        if not dot:
            if self._top is None:
                self._top = await asyncio.to_thread(top_level_modules)
            return self._top
        return [f"{parent}.{name}" for name in await self._names(parent)]

    async def _names(self, parent: str) -> list[str]:
        if parent not in self._members:
            names: list[str] = []
            if self.backend is not None and all(p.isidentifier() for p in parent.split(".")):
                try:
                    listing = await self.backend.listing(parent, private=False, dunder=False)
                    names = [member.name for member in listing.members]
                except BackendError:
                    pass
            self._members[parent] = names
        return self._members[parent]


async def checked_target(field: Input, names: DottedNames, context: str = "") -> str | None:
    """What Enter in `field` opens (DottedNames.resolve), or None when the text cannot be a
    dotted name: the reason is then said under the field, and nothing opens."""
    try:
        validate(typed := field.value.strip())
    except TargetError as error:
        field.border_subtitle = str(error)
        return None
    field.border_subtitle = ""
    return await names.resolve(typed, context)


class TargetInput(Input):
    """Tab accepts the completion shown (and moves focus on when there is none)."""

    BINDINGS = [Binding("tab", "accept_completion", "Complete", show=False)]

    def action_accept_completion(self) -> None:
        if not self._suggestion or self._suggestion == self.value:
            raise SkipAction()
        self.value = self._suggestion
        self.cursor_position = len(self.value)
