"""The order `explore --index --all` builds packages in (explorer.proc.search.queue)."""

from __future__ import annotations

import pytest

from explorer.proc.search import queue
from explorer.proc.search.queue import PackageQueue

SIZES = {"bigpkg": 800, "bigpkg_extra": 40, "textlib": 120, "numlib": 110, "docs": 100,
         "richlib": 60, "plugin": 5, "snapshot": 4, "tinytool": 3}  # fmt: skip
OWNERS = {"bigpkg": ["Big-Pkg"], "bigpkg_extra": ["Big-Pkg"], "textlib": ["textlib"],
          "numlib": ["numlib"], "docs": ["docs"], "richlib": ["richlib"],
          "plugin": ["big_plugin"], "snapshot": ["snapshot"], "tinytool": ["tinytool"]}  # fmt: skip
REQUIRES = {"Big-Pkg": ["richlib>=1", "numpy; extra == 'np'"], "textlib": ["richlib"],
            "numlib": [], "docs": [], "richlib": [], "big_plugin": ["big.pkg>=2.0"],
            "snapshot": ["textlib; extra == 'all'"], "tinytool": []}  # fmt: skip


@pytest.fixture
def packages(monkeypatch: pytest.MonkeyPatch) -> PackageQueue:
    monkeypatch.setattr(queue.metadata, "requires", lambda name: REQUIRES[name])
    return PackageQueue(dict(SIZES), OWNERS)


def test_groups_are_distributions_biggest_first(packages: PackageQueue) -> None:
    assert packages.first() == ["bigpkg", "bigpkg_extra"]
    assert packages.groups[0] == ["textlib"]


def test_the_zygote_imports_what_the_largest_distribution_requires(
    packages: PackageQueue,
) -> None:
    assert packages.requirements_of("bigpkg") == ("richlib",)  # not an extra, not its own


def test_while_the_largest_imports_only_packages_that_do_not_need_it_are_taken(
    packages: PackageQueue,
) -> None:
    packages.first()
    taken = [packages.small_without("bigpkg")[0] for _ in range(5)]
    assert taken == ["tinytool", "snapshot", "richlib", "docs", "numlib"]  # not `plugin`
    assert packages.small_without("bigpkg") == []  # textlib is the biggest left: never early
    assert [group[0] for group in packages.groups] == ["textlib", "plugin"]


def test_a_package_imported_here_comes_first_and_one_imported_elsewhere_last(
    packages: PackageQueue,
) -> None:
    packages.first()
    assert packages.next_for(mine={"snapshot"}, theirs=set(), slots=2) == ["snapshot"]
    assert packages.next_for(mine=set(), theirs={"textlib"}, slots=2) == ["numlib"]
    assert packages.next_for(mine=set(), theirs=set(), slots=2) == ["textlib"]


def test_the_biggest_group_is_not_put_off_past_a_fair_share(packages: PackageQueue) -> None:
    packages.first()
    assert packages.take(["numlib"]) and packages.take(["docs"])
    # left: textlib 120, richlib 60, plugin 5, snapshot 4, tinytool 3: textlib is over half
    assert packages.next_for(mine={"richlib"}, theirs=set(), slots=2) == ["textlib"]
    assert packages.next_for(mine={"richlib"}, theirs=set(), slots=2) == ["richlib"]
