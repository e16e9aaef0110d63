"""`explore --index --all`: the standard library and every installed distribution, in parallel.

Each package gets its own index (see explorer.proc.search.build), largest first (in
the order explorer.proc.search.queue explains).
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from explorer.core.errors import UsageError
from explorer.core.search.names import STDLIB
from explorer.core.search.walk import PackageFiles, package_files
from explorer.proc.search.build import Job, Outcome, start_build
from explorer.proc.search.collector import Gathering, Slot, root_timeout, run_threads
from explorer.proc.search.importers import (
    Child,
    ChildFailed,
    Pipes,
    close_pipes,
    close_spawned,
    kill_all,
    spawn,
    start_children,
)
from explorer.proc.search.queue import PackageQueue, dominates, installed_packages, owners
from explorer.proc.search.wire import StoreIndexRequest

Progress = Callable[[int, int, str], None]


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
        found_owners = owners()
        wanted = [STDLIB, *installed_packages(found_owners)] if packages is None else packages
        sizes: dict[str, int] = {}
        for package in wanted:
            try:
                run.walked[package] = package_files(package)
                sizes[package] = len(run.walked[package].modules)
            except UsageError as exc:
                report.notes.append(f"skipped {package}: {exc}")
        run.tally = _Tally(sizes, progress)
        run.queue = PackageQueue(sizes, found_owners)
        if cores > 1 and run.queue.groups[:1] != [[STDLIB]] and run.queue.take([STDLIB]):
            run.early = [STDLIB]  # it imports nothing installed: built while the first imports
        run.split = bool(sizes) and dominates(max(sizes.values()), sizes, cores)
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
    library, which imports nothing installed) in plain importers, and small packages that
    do not depend on the largest one if it is still being imported, then take their forked
    worker: they join in on the largest package when it is `split` (the last thread out
    stores it), else go on to the queue (explorer.proc.search.queue) while thread 0
    builds it and its `kin`.
    """

    def __init__(self, report: Report, rebuild: bool, cores: int) -> None:
        self.report = report
        self.tally = _Tally({}, None)
        self.rebuild = rebuild
        self.queue = PackageQueue({}, {})
        self.early: list[str] = []
        self.split = True  # the largest package's modules are shared out over every thread
        self.kin: list[str] = []  # the rest of its distribution, for thread 0 (not split)
        self.walked: dict[str, PackageFiles] = {}  # each package's files, walked once
        self.slots = [Slot() for _ in range(cores)]
        self.zygote: Child | None = None
        self.root = ""  # the largest package, whose root the zygote imports
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
            while (
                self.root
                and not self.started.is_set()
                and (group := self.queue.small_without(self.root))
            ):
                for package in group:  # the largest package is still being imported
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
        mine = slot.child.roots if slot.child is not None else set()
        theirs = set().union(*(other.child.roots for other in self.slots
                               if other is not slot and other.child is not None))  # fmt: skip
        return self.queue.next_for(mine, theirs, len(self.slots))

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
            close_pipes(pipes)
            self.slots[0].child = child

    def start_shared(self) -> tuple[Job, Gathering] | None:
        """Begin with the largest package, its root imported once for every thread; the
        package's job when this thread is to build it alone (not `split`)."""
        try:
            group = self.queue.first()
            package, kin = (group[0], group[1:]) if group else (None, [])
            self.root = package or ""
            if self.split and kin:
                self.queue.push_front(kin)
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
                    package, len(self.slots), root_timeout(gathering.timeout), spawned,
                    also=self.queue.requirements_of(package), also_timeout=gathering.timeout,
                )  # fmt: skip
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
        self.queue.clear()
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
