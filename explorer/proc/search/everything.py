"""`explore --index --all`: the standard library and every installed distribution, in parallel.

Each package is built on its own (one importer child each, see
explorer.proc.search.build) and as many packages build at once as there are
cores, largest first so the long one (torch) starts at once. One progress
callback sees the modules of all of them. A package that cannot be indexed
costs a note, never the run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from importlib.machinery import PathFinder

from explorer import settings
from explorer.core.errors import UsageError
from explorer.core.search.names import STDLIB
from explorer.core.search.walk import package_files
from explorer.proc.search.build import ensure_index
from explorer.proc.search.importers import kill_all

Progress = Callable[[int, int, str], None]


def installed_packages() -> list[str]:
    """Top-level importable packages of the installed distributions, found on sys.path."""
    names: set[str] = set()
    for top in metadata.packages_distributions():
        if top.isidentifier() and not top.startswith("_") and top not in settings.INDEX_ALL_SKIP:
            names.add(top)
    found = []
    for name in sorted(names):
        try:
            if PathFinder.find_spec(name) is not None:
                found.append(name)
        except (ImportError, ValueError):
            continue
    return found


@dataclass(slots=True)
class Report:
    entries: dict[str, int] = field(default_factory=dict)  # package -> entries indexed
    notes: list[str] = field(default_factory=list)


class _Tally:
    """Sums the progress of builds running at once into one (done, total)."""

    def __init__(self, totals: dict[str, int], progress: Progress | None) -> None:
        self.done = dict.fromkeys(totals, 0)
        self.total = sum(totals.values())
        self.progress = progress
        self.lock = threading.Lock()

    def for_package(self, package: str) -> Callable[[int, int, str], None]:
        def advance(done: int, total: int, module: str) -> None:
            with self.lock:
                self.done[package] = done
                overall = sum(self.done.values())
            if self.progress is not None:
                self.progress(overall, self.total, module)

        return advance


def index_everything(
    packages: list[str] | None = None, *, jobs: int | None = None, rebuild: bool = False,
    progress: Progress | None = None,
) -> Report:  # fmt: skip
    """Fresh indexes of the standard library and every installed package (or `packages`)."""
    wanted = [STDLIB, *installed_packages()] if packages is None else packages
    report = Report()
    sizes: dict[str, int] = {}
    for package in wanted:
        try:
            sizes[package] = len(package_files(package).modules)
        except UsageError as exc:
            report.notes.append(f"skipped {package}: {exc}")
    tally = _Tally(sizes, progress)
    workers = max(1, jobs or os.cpu_count() or 1)

    def build(package: str) -> None:
        try:
            outcome = ensure_index(package, rebuild=rebuild, jobs=1,
                                   progress=tally.for_package(package))  # fmt: skip
        except UsageError as exc:
            report.notes.append(f"skipped {package}: {exc}")
            return
        report.entries[package] = outcome.index.entry_count
        report.notes.extend(f"{package}: {note}" for note in outcome.notes)
        report.notes.extend(outcome.index.notes)
        outcome.index.close()

    order = sorted(sizes, key=lambda package: -sizes[package])
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not order:
                    return
                package = order.pop(0)
            build(package)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:
        with lock:
            order.clear()
        kill_all()  # Ctrl+C: every importer child, and what its imports started, ends now
        raise
    return report
