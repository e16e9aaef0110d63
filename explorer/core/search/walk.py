"""Find a package's modules on disk, and fingerprint them, without importing anything.

This is the file-system half of `pkgutil.walk_packages`: `pkgutil.iter_modules`
per directory, but the parent process never imports a package to learn its
`__path__`, so the CLI can check an index's freshness without importing torch.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import os
import pkgutil
import sys
from dataclasses import dataclass

from explorer import settings
from explorer.core.dotted import did_you_mean
from explorer.core.errors import UsageError
from explorer.core.search.names import STDLIB, check_package

TEST_NAMES = frozenset({"test", "tests", "conftest"})


@dataclass(frozen=True, slots=True)
class PackageFiles:
    package: str
    modules: tuple[str, ...]  # dotted names, the package itself first
    fingerprint: str  # changes when a module file is added, removed or modified


def is_skipped(segment: str, *, private: bool, tests: bool) -> bool:
    if segment.startswith("_"):
        return not private
    return not tests and (segment in TEST_NAMES or segment.startswith("test_"))


def package_files(package: str, *, private: bool = False, tests: bool = False) -> PackageFiles:
    """Every importable module under `package` that the index should cover.

    `stdlib` is every standard-library module (built-in ones too, `builtins` first).
    """
    if package == STDLIB:
        return _stdlib_files(private=private, tests=tests)
    if package in sys.builtin_module_names:
        return PackageFiles(package, (package,), _python_fingerprint())
    locations = _search_locations(package)
    modules = [package]
    stats: list[str] = []
    if locations is not None:
        _walk(list(locations), package + ".", modules, stats, private=private, tests=tests)
    else:
        stats.append(_stat_line(package, _origin(package)))
    digest = hashlib.sha1("\n".join(sorted(stats)).encode(), usedforsecurity=False)
    return PackageFiles(package, tuple(modules), digest.hexdigest())


def _python_fingerprint() -> str:
    """What the standard library's contents follow: this interpreter's build."""
    text = f"{sys.version}|{sys.base_prefix}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _stdlib_files(*, private: bool, tests: bool) -> PackageFiles:
    modules = ["builtins"]
    for name in sorted(sys.stdlib_module_names):
        if name == "builtins" or name in settings.STDLIB_SKIP:
            continue
        if is_skipped(name, private=private, tests=tests):
            continue
        if name in sys.builtin_module_names:
            modules.append(name)
            continue
        try:
            spec = importlib.machinery.PathFinder.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue  # not on this platform (winreg...)
        modules.append(name)
        locations = spec.submodule_search_locations
        if locations is not None:
            _walk(list(locations), name + ".", modules, [], private=private, tests=tests)
    return PackageFiles(STDLIB, tuple(modules), _python_fingerprint())


def _search_locations(package: str) -> list[str] | None:
    check_package(package)
    try:
        # PathFinder looks at sys.path only: an already-imported module of that name
        # must not stand in for what is on disk (and what the importer children will load).
        spec = importlib.machinery.PathFinder.find_spec(package)
    except (ImportError, ValueError) as exc:
        raise UsageError(f"cannot find package {package}: {exc}") from exc
    if spec is None:
        raise _not_installed(package)
    locations = spec.submodule_search_locations
    return list(locations) if locations is not None else None


def _not_installed(package: str) -> UsageError:
    """One line, with the installed top-level names nearest to the one typed ("torhc":
    did you mean torch?). Listing sys.path's folders imports nothing."""
    installed = {module.name for module in pkgutil.iter_modules()}
    hint = did_you_mean(package, installed | set(sys.builtin_module_names))
    return UsageError(f"no package named {package!r} is installed{hint}")


def _origin(package: str) -> str | None:
    spec = importlib.machinery.PathFinder.find_spec(package)
    return spec.origin if spec is not None else None


def _walk(
    paths: list[str], prefix: str, modules: list[str], stats: list[str], *, private: bool,
    tests: bool,
) -> None:  # fmt: skip
    for path in paths:
        stats.extend(_dir_stats(path))
    for info in sorted(pkgutil.iter_modules(paths, prefix), key=lambda info: info.name):
        segment = info.name.rsplit(".", 1)[-1]
        if is_skipped(segment, private=private, tests=tests):
            continue
        modules.append(info.name)
        finder_path = getattr(info.module_finder, "path", None)
        if info.ispkg and isinstance(finder_path, str):
            sub = os.path.join(finder_path, segment)
            _walk([sub], info.name + ".", modules, stats, private=private, tests=tests)


def _dir_stats(path: str) -> list[str]:
    """One line per source or extension file: name, size and mtime, all from one scandir."""
    lines = []
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.name.endswith((".py", ".so", ".pyd")) and entry.is_file():
                    stat = entry.stat()
                    lines.append(f"{entry.path}:{stat.st_size}:{stat.st_mtime_ns}")
    except OSError:
        pass  # an unreadable directory simply has no modules to fingerprint
    return lines


def _stat_line(name: str, path: str | None) -> str:
    if not path:
        return name
    try:
        stat = os.stat(path)
    except OSError:
        return name
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"
