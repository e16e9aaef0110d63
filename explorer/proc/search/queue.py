"""Which packages `explore --index --all` builds, and in what order on which importer.

Packages come in groups that share a distribution (torch, functorch and torchgen),
biggest group first. A thread takes the biggest group left, but before it a group its
own importer has already imported, else one no other importer has, as long as enough
work stays behind for the biggest group to be shared out fairly later: textual, which
one process imported for pytest_textual_snapshot, is not imported again in the other.
While the largest package's root is still being imported (the zygote every importer
is forked from), a thread with nothing else to do takes small groups from the end of
the queue that do not depend on that package's distribution.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from importlib import metadata
from importlib.machinery import PathFinder

from explorer import settings

Owners = Mapping[str, list[str]]  # top-level package -> its distributions


def owners() -> Owners:
    """metadata.packages_distributions(); empty when the metadata is broken."""
    try:
        return metadata.packages_distributions()
    except Exception:  # noqa: BLE001 - broken metadata: every package on its own
        return {}


def installed_packages(found_owners: Owners | None = None) -> list[str]:
    """Top-level importable packages of the installed distributions, found on sys.path."""
    names: set[str] = set()
    for top in owners() if found_owners is None else found_owners:
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


def dominates(largest: int, sizes: dict[str, int], cores: int) -> bool:
    """Whether the largest package alone outlasts a fair share of all the work (by module
    count): only then are its modules split over every core. Otherwise each worker would
    import the package's lazily loaded parts again (torch's compiler stack: seconds of
    CPU), and one thread building it while the others take whole packages balances better.
    Every worker still starts with its root imported, for the packages that import it
    (sympy's printers import torch)."""
    return largest * cores > sum(sizes.values())


class PackageQueue:
    """The groups still to build (thread-safe)."""

    def __init__(self, sizes: dict[str, int], found_owners: Owners) -> None:
        self.sizes = sizes
        self.owners = found_owners
        self.groups = _by_distribution(sorted(sizes, key=lambda package: -sizes[package]),
                                       sizes, found_owners)  # fmt: skip
        self.lock = threading.Lock()
        self._requires: dict[str, tuple[set[str], set[str]] | None] = {}  # see _required_by

    def take(self, group: list[str]) -> bool:
        """Take `group` out of the queue (to build it first, elsewhere); False if absent."""
        with self.lock:
            if group not in self.groups:
                return False
            self.groups.remove(group)
            return True

    def first(self) -> list[str]:
        with self.lock:
            return self.groups.pop(0) if self.groups else []

    def push_front(self, group: list[str]) -> None:
        with self.lock:
            self.groups.insert(0, group)

    def clear(self) -> None:
        with self.lock:
            self.groups.clear()

    def next_for(self, mine: set[str], theirs: set[str], slots: int) -> list[str]:
        """The next group for a thread whose importer has imported `mine` (top-level
        packages), the other importers `theirs`."""
        with self.lock:
            if not self.groups:
                return []
            size = [sum(self.sizes[package] for package in group) for group in self.groups]
            fair = slots * size[0]  # what must be left beside the biggest group
            left = sum(size)
            for here in (True, False):  # imported here; else imported nowhere else
                for index, group in enumerate(self.groups):
                    fits = group[0] in mine if here else group[0] not in theirs
                    if fits and (index == 0 or left - size[index] >= fair):
                        return self.groups.pop(index)
            return self.groups.pop(0)

    def small_without(self, root: str) -> list[str]:
        """The smallest group (never the biggest one) whose distribution neither is nor
        requires `root`'s, even as an extra: it can be built before `root` is imported."""
        with self.lock:
            for index in range(len(self.groups) - 1, 0, -1):
                if not self._needs(self.groups[index], root):
                    return self.groups.pop(index)
            return []

    def requirements_of(self, package: str) -> tuple[str, ...]:
        """The packages to be indexed that `package`'s distribution requires (not as an
        extra): its own build imports them too, so the zygote imports them once for all."""
        mine = self._distributions(package, package)
        required: set[str] = set()
        for distribution in self.owners.get(package) or []:
            found = self._required_by(distribution)
            required |= found[1] if found is not None else set()
        return tuple(sorted(
            other for other in self.sizes
            if other != package and not mine & self._distributions(other)
            and required & self._distributions(other)
        ))  # fmt: skip

    def _needs(self, group: list[str], root: str) -> bool:
        """Whether a package of `group` comes with `root`'s distribution or requires it (an
        extra counts; so does metadata that cannot be read)."""
        wanted = self._distributions(root, root)
        for package in group:
            for distribution in self.owners.get(package) or [package]:
                required = self._required_by(distribution)
                if required is None or wanted & {_normal(distribution), *required[0]}:
                    return True
        return False

    def _distributions(self, package: str, fallback: str | None = None) -> set[str]:
        """The normalised names of the distributions that install `package` (`fallback`
        when none is known)."""
        names = self.owners.get(package) or ([fallback] if fallback else [])
        return {_normal(name) for name in names}

    def _required_by(self, distribution: str) -> tuple[set[str], set[str]] | None:
        """(what `distribution` requires, extras included; what it requires without them),
        normalised; None when its metadata cannot be read."""
        if distribution not in self._requires:
            try:
                listed = metadata.requires(distribution) or []
            except Exception:  # noqa: BLE001 - not installed as such, broken metadata
                self._requires[distribution] = None
            else:
                named = [(match[0], "extra" in text.partition(";")[2]) for text in listed
                         if (match := _REQUIREMENT.match(text))]  # fmt: skip
                self._requires[distribution] = (
                    {_normal(name) for name, _ in named},
                    {_normal(name) for name, extra in named if not extra},
                )
        return self._requires[distribution]


_REQUIREMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # a requirement's name


def _normal(distribution: str) -> str:
    """A distribution's name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _by_distribution(packages: list[str], sizes: dict[str, int], found_owners: Owners
                     ) -> list[list[str]]:  # fmt: skip
    """The packages in groups that share a distribution (biggest package first in each),
    the groups biggest first."""
    groups: dict[str, list[str]] = {}
    for package in packages:
        distribution = (found_owners.get(package) or [package])[0]
        groups.setdefault(distribution, []).append(package)
    return sorted(groups.values(), key=lambda group: -sum(sizes[p] for p in group))
