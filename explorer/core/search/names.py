"""Which file holds a package's index: names checked before any path is built from them.

A package name is a Python identifier (or `stdlib`, the index of the standard
library); the cache dir is absolute; every index path is resolved and must lie
inside the cache dir. Nothing here touches the file system beyond stat calls.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from explorer.core.errors import UsageError

STDLIB = "stdlib"  # the one index that covers every standard-library module
STDLIB_NAMES = frozenset(sys.stdlib_module_names) | frozenset(sys.builtin_module_names)
MAX_PACKAGE_CHARS = 100


def has_private_segment(name: str) -> bool:
    """Some segment of the dotted name is private (`torch._C.TensorBase`, `_bisect`)."""
    return name.startswith("_") or "._" in name


def index_home(top: str) -> str:
    """The index a top-level module's names live in: its own, or the standard library's."""
    return STDLIB if top in STDLIB_NAMES else top


def check_package(package: str) -> str:
    """`package` when it can name an index file; UsageError (one line) otherwise."""
    if not isinstance(package, str) or not package.strip():
        raise UsageError("a package name is needed, e.g. torch")
    if len(package) > MAX_PACKAGE_CHARS or not package.isidentifier() or not package.isascii():
        shown = package if len(package) <= 60 else package[:57] + "..."
        raise UsageError(f"not a top-level package name: {shown!r}")
    return package


def cache_dir() -> Path:
    """Where index files go; EXPLORER_CACHE_DIR wins (tests point it at a temp dir)."""
    override = os.environ.get("EXPLORER_CACHE_DIR")
    if override:
        if not os.path.isabs(override):
            raise UsageError(f"EXPLORER_CACHE_DIR must be an absolute path, not {override!r}")
        return Path(override) / "index"
    import platformdirs

    return Path(platformdirs.user_cache_dir("explorer")) / "index"


def safe_path(folder: Path, file_name: str) -> Path:
    """`folder / file_name`, refused unless it resolves to a file directly inside `folder`."""
    separators = [os.sep, os.altsep or os.sep]
    if any(sep in file_name for sep in separators) or file_name in ("", ".", ".."):
        raise UsageError(f"not a safe file name: {file_name!r}")
    path = folder / file_name
    if path.resolve().parent != folder.resolve():
        raise UsageError(f"{file_name!r} would leave the cache dir {folder}")
    return path


def python_tag() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


@cache
def environment_tag() -> str:
    """`py3.11-1a2b3c4d`: the Python version and which environment (virtualenv) it is. Two
    environments with the same torch version install different files; sharing one index
    file, each would find the other's stale and rebuild it on every start."""
    prefix = os.path.realpath(sys.prefix).encode("utf-8", "surrogateescape")
    return f"py{python_tag()}-{hashlib.sha256(prefix).hexdigest()[:8]}"


def index_file_suffix(python: str) -> str:
    """The end of every index file name of this environment for Python `python`."""
    return f"-{_environment_part(python)}.sqlite"


def _environment_part(python: str) -> str:
    return environment_tag() if python == python_tag() else f"py{python}"


def package_version(package: str) -> str:
    """The installed distribution's version; "unversioned" for a bare package on sys.path."""
    if package == STDLIB or package in sys.builtin_module_names:
        return ".".join(map(str, sys.version_info[:3]))
    quick = _dist_info_version(package)
    if quick is not None:
        return quick
    project = _project_name(package)
    found = [_dist_infos(folder or ".").get(project) for folder in sys.path]
    version = next((version for version in found if version), None)
    if version is not None:
        return version
    if "" not in found:  # no metadata folder of that name anywhere on sys.path
        return "unversioned"
    from importlib import metadata  # an .egg-info without its version in the name

    try:
        return metadata.version(package)
    except (metadata.PackageNotFoundError, ValueError):
        return "unversioned"  # a package on sys.path without metadata: mtimes still key it


def _dist_info_version(package: str) -> str | None:
    """`torch-2.13.0+cpu.dist-info` beside the package: one scandir, where importlib.metadata
    walks every entry of sys.path (a third of a warm search's time)."""
    from importlib.machinery import PathFinder

    try:
        spec = PathFinder.find_spec(package)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if spec is None or not (locations or spec.origin):
        return None
    folder = Path(locations[0] if locations else str(spec.origin)).parent
    return _dist_infos(str(folder)).get(_project_name(package)) or None


def _project_name(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


@cache
def _dist_infos(folder: str) -> dict[str, str]:
    """{normalised project name: version} of the .dist-info and .egg-info folders in `folder`
    (one scandir per process, however many packages are looked up there); "" for an
    .egg-info whose name does not carry its version."""
    found: dict[str, str] = {}
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name.endswith(_INFO)]
    except OSError:
        return found
    for name in names:
        project, _, version = name.rpartition(".")[0].partition("-")
        version = version.split("-py", 1)[0] if name.endswith(".egg-info") else version
        if version or name.endswith(".egg-info"):
            key = _project_name(project)
            found[key] = found.get(key) or version
    return found


_INFO = (".dist-info", ".egg-info")


@dataclass(frozen=True, slots=True)
class IndexKey:
    package: str
    version: str
    python: str

    def __post_init__(self) -> None:
        check_package(self.package)

    @classmethod
    def for_package(cls, package: str) -> IndexKey:
        return cls(check_package(package), package_version(package), python_tag())

    @property
    def path(self) -> Path:
        safe_version = "".join(c if c.isalnum() or c in ".+-" else "_" for c in self.version)
        safe_version = safe_version.strip(".")[:80] or "unversioned"
        suffix = index_file_suffix(self.python)
        return safe_path(cache_dir(), f"{self.package}-{safe_version}{suffix}")

    @property
    def lock_path(self) -> Path:
        return safe_path(cache_dir(), f"{self.package}-{_environment_part(self.python)}.lock")
