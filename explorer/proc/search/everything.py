"""`explore --index --all`: the standard library and every installed distribution, in parallel.

Each package gets its own index (see explorer.proc.search.build), largest first.
The largest package's root is imported once and one importer per core is forked
from there (see explorer.proc.search.importers). When that package outweighs the
rest, they split its modules; otherwise one importer builds it whole while the
others start on whole packages. Then each goes on to whole packages in turn (the
top-level packages of one distribution, torch's functorch and torchgen, one after
another, in the process that imported their distribution). A process is
kept from one package to the next: no interpreter start per small package, and
what one package imported (torch, for sympy's printers and functorch) stays
imported. One progress callback sees the modules of all of them. A package that
cannot be indexed costs a note, never the run.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from importlib.machinery import PathFinder

from explorer import settings
from explorer.core.errors import UsageError
from explorer.core.search.names import STDLIB
from explorer.core.search.walk import PackageFiles, package_files
from explorer.proc.search.build import Job, Outcome, start_build
from explorer.proc.search.collector import Gathering, Slot, root_timeout, run_threads
from explorer.proc.search.importers import (
    Child,
    ChildFailed,
    Pipes,
    close_spawned,
    kill_all,
    spawn,
    start_children,
)
from explorer.proc.search.wire import StoreIndexRequest

Progress = Callable[[int, int, str], None]


def installed_packages(owners: Mapping[str, list[str]] | None = None) -> list[str]:
    """Top-level importable packages of the installed distributions, found on sys.path
    (`owners`: metadata.packages_distributions(), when the caller has it)."""
    names: set[str] = set()
    for top in metadata.packages_distributions() if owners is None else owners:
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
    cores = max(1, jobs or os.cpu_count() or 1)
    report = Report()
    run = _Run(report, rebuild, cores)
    try:  # on Ctrl+C every importer child, and what its imports started, ends at once
        run.prespawn()  # the importers start up while the packages are walked
        owners = _owners()
        wanted = [STDLIB, *installed_packages(owners)] if packages is None else packages
        sizes: dict[str, int] = {}
        for package in wanted:
            try:
                run.walked[package] = package_files(package)
                sizes[package] = len(run.walked[package].modules)
            except UsageError as exc:
                report.notes.append(f"skipped {package}: {exc}")
        run.tally, run.sizes = _Tally(sizes, progress), sizes
        groups = _by_distribution(sorted(sizes, key=lambda package: -sizes[package]), sizes, owners)
        if cores > 1 and [STDLIB] in groups[1:]:
            groups.remove([STDLIB])  # it imports nothing installed: built while the first imports
            run.early = [STDLIB]
        run.groups = groups
        run.split = bool(sizes) and _dominates(max(sizes.values()), sizes, cores)
        run_threads([partial(run.work, number) for number in range(cores)], run.abandon)
    finally:
        run.close()
    if run.errors:
        raise run.errors[0]
    return report


class _Run:
    """The threads' shared state: the first package's cooperative build, the queue of
    package groups, one slot per thread.

    Thread 0 starts the largest package: its root is imported in a zygote that forks one
    worker per thread. Meanwhile the other threads build `early` packages (the standard
    library, which imports nothing installed) in plain importers, then take their forked
    worker: they join in on the largest package when it is `split` (the last thread out
    stores it), else go on to the queue while thread 0 builds it and its `kin`.
    """

    def __init__(self, report: Report, rebuild: bool, cores: int) -> None:
        self.report = report
        self.tally = _Tally({}, None)
        self.rebuild = rebuild
        self.groups: list[list[str]] = []
        self.early: list[str] = []
        self.split = True  # the largest package's modules are shared out over every thread
        self.kin: list[str] = []  # the rest of its distribution, for thread 0 (not split)
        self.walked: dict[str, PackageFiles] = {}  # each package's files, walked once
        self.sizes: dict[str, int] = {}  # each package's module count
        self.slots = [Slot() for _ in range(cores)]
        self.zygote: Child | None = None
        self.spawned: tuple[Child, list[Pipes]] | None = None  # a zygote-to-be, started early
        self.spare: list[Child] = []  # forked workers waiting for their thread
        self.shared: tuple[Job, Gathering] | None = None
        self.started = threading.Event()  # the shared package is set up (or will not be)
        self.sharing = cores  # threads still working on the shared package
        self.errors: list[BaseException] = []  # what ended a thread (a bug): raised at the end
        self.lock = threading.Lock()
        self.active = cores  # threads still running
        self.running = threading.Condition()

    def work(self, number: int) -> None:
        try:
            self._work(number)
        except BaseException as exc:  # noqa: BLE001 - re-raised by index_everything
            self.errors.append(exc)
            self.abandon()
        finally:
            self.started.set()
            self.leave(number)

    def leave(self, number: int) -> None:
        """Thread 0 started the zygote, and Linux kills a child when the *thread* that
        started it ends (the parent-death signal follows the thread): it stays until every
        other thread, whose worker is one of the zygote's forks, is done."""
        with self.running:
            self.active -= 1
            self.running.notify_all()
            if number == 0:
                self.running.wait_for(lambda: self.active == 0)

    def _work(self, number: int) -> None:
        slot = self.slots[number]
        if number == 0:
            alone = self.start_shared()
            if alone is not None:
                self.gather(*alone, slot)
            for package in self.kin:  # in the process that imported their distribution
                self.build(package, slot)
        else:
            for package in self.early:
                self.build(package, slot)
            self.started.wait()
            if self.spare:
                slot.close()  # the plain importer: a worker with the root imported takes over
                slot.child = self.spare.pop()
        if self.shared is not None:
            job, gathering = self.shared
            self.gather(job, gathering, slot, from_end=number % 2 == 1, shared=True)
        while group := self.next_group(slot):
            for package in group:
                self.build(package, slot)

    def next_group(self, slot: Slot) -> list[str]:
        """The next packages for this thread: the biggest group left, but first one its own
        importer has already imported, else one no other importer has (textual, imported
        in one process for pytest_textual_snapshot, is not imported again in the other),
        as long as enough work is left for the biggest group to be shared out fairly later."""
        with self.lock:
            if not self.groups:
                return []
            size = [sum(self.sizes[package] for package in group) for group in self.groups]
            fair = len(self.slots) * size[0]  # what must be left beside the biggest group
            left = sum(size)
            mine = slot.child.roots if slot.child is not None else set()
            theirs = set().union(*(other.child.roots for other in self.slots
                                   if other is not slot and other.child is not None))  # fmt: skip
            for here in (True, False):  # imported here; else imported nowhere else
                for index, group in enumerate(self.groups):
                    fits = group[0] in mine if here else group[0] not in theirs
                    if fits and (index == 0 or left - size[index] >= fair):
                        return self.groups.pop(index)
            return self.groups.pop(0)

    def prespawn(self) -> None:
        """Start the importers now: the one that will import the largest package and fork,
        and a plain one for each other thread's early packages (interpreters start up
        while this process walks the packages' files)."""
        with contextlib.suppress(OSError):  # they are started again when needed
            self.spawned = spawn(forks=len(self.slots) if len(self.slots) > 1 else 0)
            for slot in self.slots[1:]:
                slot.child = spawn()[0]

    def unspawn(self) -> None:
        """No zygote after all (the largest package's index is fresh): the importer started
        for it serves this thread as a plain one."""
        if self.spawned is not None:
            child, pipes = self.spawned
            self.spawned = None
            for fds in pipes:
                for descriptor in fds:
                    os.close(descriptor)
            self.slots[0].child = child

    def start_shared(self) -> tuple[Job, Gathering] | None:
        """Begin with the largest package, its root imported once for every thread; the
        package's job when this thread is to build it alone (not `split`)."""
        try:
            with self.lock:
                group = self.groups.pop(0) if self.groups else []
                package, kin = (group[0], group[1:]) if group else (None, [])
                if self.split and kin:
                    self.groups.insert(0, kin)
                else:
                    self.kin = kin
            job = self.prepare(package) if package else None
            if package is None or job is None:
                self.unspawn()
                return None
            keep_for = "" if self.split else package  # stored by the importer when alone
            gathering = Gathering(
                job.modules, progress=self.tally.for_package(package), keep_for=keep_for
            )
            try:
                spawned, self.spawned = self.spawned, None
                workers, self.zygote = start_children(
                    package, len(self.slots), root_timeout(gathering.timeout), spawned
                )
            except ChildFailed as exc:
                job.release()
                self.report.notes.append(f"skipped {package}: cannot index {package}: {exc}")
                return None
            self.slots[0].child = workers[0]
            self.spare = workers[1:]
            if not self.split:
                return job, gathering
            self.shared = (job, gathering)
            return None
        finally:
            self.started.set()

    def build(self, package: str, slot: Slot) -> None:
        """One whole package on this thread's importer, merged and stored there."""
        prepared = self.prepare(package)
        if prepared is not None:
            progress = self.tally.for_package(package)
            gathering = Gathering(prepared.modules, progress=progress, keep_for=package)
            self.gather(prepared, gathering, slot)

    def prepare(self, package: str) -> Job | None:
        """The package's build job, or None when its index is fresh or it cannot be built."""
        try:
            job = start_build(package, rebuild=self.rebuild, walked=self.walked.get(package))
        except UsageError as exc:
            self.report.notes.append(f"skipped {package}: {exc}")
            return None
        if isinstance(job, Outcome):
            self.done(package, job.index.entry_count, job.notes, job.index.notes)
            job.index.close()
            return None
        return job

    def gather(
        self, job: Job, gathering: Gathering, slot: Slot, *, from_end: bool = False,
        shared: bool = False,
    ) -> None:  # fmt: skip
        package = job.key.package
        with contextlib.suppress(UsageError):  # kept in gathering.failure
            gathering.run(slot, from_end)
        if shared:
            with self.lock:
                self.sharing -= 1
                if self.sharing:
                    return  # the last thread out stores it
        if gathering.failure is not None:
            job.release()
            self.report.notes.append(f"skipped {package}: {gathering.failure}")
            return
        gathering.leftovers()
        if not gathering.keep_for:
            outcome = job.finish(gathering.entries, gathering.notes)
            self.done(package, outcome.index.entry_count, outcome.notes, outcome.index.notes)
            outcome.index.close()
            return
        request = StoreIndexRequest(
            package,
            job.key.version,
            job.key.python,
            job.files.fingerprint,
            job.private,
            tuple(gathering.notes),
        )
        try:
            stored = gathering.store(slot, request)  # merged and written by the importer
        finally:
            job.release()
        if stored is None:
            self.report.notes.extend(gathering.notes[-1:])
            return
        if slot.child is not None:
            slot.child.roots.update(stored.imported)
        self.done(package, stored.entries, job.notes, stored.notes)

    def done(
        self, package: str, entries: int, build_notes: Sequence[str], index_notes: Sequence[str]
    ) -> None:
        """Record a package's index: its size, what its build said, what it skipped."""
        self.report.entries[package] = entries
        self.report.notes.extend(f"{package}: {note}" for note in build_notes)
        self.report.notes.extend(index_notes)

    def abandon(self) -> None:
        with self.lock:
            self.groups.clear()
        if self.shared is not None:
            self.shared[1].stop()
        kill_all()

    def close(self) -> None:
        for slot in self.slots:  # workers before the zygote they die with
            slot.close()
        if self.zygote is not None:
            self.zygote.close()
        if self.spawned is not None:  # started early, never needed (an interrupted walk)
            close_spawned(*self.spawned)


def _dominates(largest: int, sizes: dict[str, int], cores: int) -> bool:
    """Whether the largest package alone outlasts a fair share of all the work (by module
    count): only then are its modules split over every core. Otherwise each worker would
    import the package's lazily loaded parts again (torch's compiler stack: seconds of
    CPU), and one thread building it while the others take whole packages balances better.
    Every worker still starts with its root imported, for the packages that import it
    (sympy's printers import torch)."""
    return largest * cores > sum(sizes.values())


def _owners() -> Mapping[str, list[str]]:
    """{top-level package: its distributions}; empty when the metadata is broken."""
    try:
        return metadata.packages_distributions()
    except Exception:  # noqa: BLE001 - broken metadata: every package on its own
        return {}


def _by_distribution(
    packages: list[str], sizes: dict[str, int], owners: Mapping[str, list[str]]
) -> list[list[str]]:
    """The packages in groups that share a distribution (biggest package first in each),
    the groups biggest first."""
    groups: dict[str, list[str]] = {}
    for package in packages:
        distribution = (owners.get(package) or [package])[0]
        groups.setdefault(distribution, []).append(package)
    return sorted(groups.values(), key=lambda group: -sum(sizes[p] for p in group))
