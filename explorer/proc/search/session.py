"""What the TUI's search screen and palette open: every stored index, one package built if need be.

`open_library(package)` opens the stored index of every package (see
explorer.core.search.library) and makes sure `package` (the one on screen) has
one: built first when it is missing, answered from while stale (the caller can
then `refresh` it). Nothing here imports a searched package: builds run in
importer children.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from explorer.core.errors import UsageError
from explorer.core.search.library import Library, index_home
from explorer.proc.search.build import Progress, Waiting, ensure_index, stored_index


@dataclass(slots=True)
class Opened:
    library: Library
    notes: list[str] = field(default_factory=list)
    stale: bool = False  # the package's index is out of date (refresh it)
    built: bool = False


def open_library(
    package: str, *, progress: Progress | None = None, waiting: Waiting | None = None,
    build: bool = True,
) -> Opened:  # fmt: skip
    """Every stored index, `package`'s included (built when missing, if `build`)."""
    home = index_home(package)
    library = Library.open()
    notes = list(library.notes)
    if home in library.indexes:
        library.indexes.pop(home).close()  # reopened below, with its freshness checked
    try:
        stored = stored_index(home, notes)
    except UsageError as exc:  # the package on screen is not installed (or not indexable)
        return Opened(library, [*notes, str(exc)])
    if stored is None:
        if not build:
            return Opened(library, notes)
        outcome = ensure_index(home, progress=progress, waiting=waiting, notes=notes)
        library.indexes[home] = outcome.index
        return Opened(library, outcome.notes, built=True)
    library.indexes[home] = stored.index
    return Opened(library, stored.notes, stale=stored.stale)


def refresh(
    library: Library, package: str, progress: Progress | None = None,
    waiting: Waiting | None = None,
) -> list[str]:  # fmt: skip
    """Build `package`'s missing or stale index into `library`; the build's notes."""
    home = index_home(package)
    outcome = ensure_index(home, progress=progress, waiting=waiting)
    # The old index is not closed here: a query on another thread may still be reading it
    # (its connection closes when nothing refers to it any more).
    library.indexes[home] = outcome.index
    return outcome.notes
