"""How every child (worker, kernel, index importer) starts, is confined and ends: one set of rules.

- A safe import path: the child runs `python -I` (no PYTHON* variables, no user site,
  no current directory) and gets the parent's sys.path without the current directory,
  so a `torch.py` lying in the user's folder never shadows the real one.
- A fresh temporary working directory, removed when the child ends: what runs there
  writes nothing into the user's folder.
- Its own session (a process group the parent kills whole), a parent-death signal,
  and a subreaper flag so that even processes user code starts in new sessions stay
  below it and are killed with it (`kill_tree`).
- Hard and soft address-space limits (the code it limits cannot lift them).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import resource
import shutil
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from explorer import settings
from explorer.core.errors import UsageError

SYS_PATH_ENV = "EXPLORER_SYS_PATH"
PARENT_ENV = "EXPLORER_PARENT_PID"
MEMORY_ENV = "EXPLORER_KERNEL_MEMORY"  # bytes, or with a K/M/G suffix; 0: no cap
MIN_MEMORY = 256 << 20  # below this not even the interpreter and our modules fit
# Runs `python -I -c BOOTSTRAP module args...`: sets the path, then runs the module as main.
BOOTSTRAP = (
    "import os, sys, runpy; "
    f"sys.path[:] = [p for p in os.environ.pop({SYS_PATH_ENV!r}, '').split(os.pathsep) if p]; "
    "sys.argv[:] = sys.argv[1:]; "
    "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)"
)
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36


# ---- in the parent ---------------------------------------------------------------------------


def child_sys_path(extra: list[str] | None = None) -> list[str]:
    """This process's sys.path minus the current directory (unless PYTHONPATH names it)."""
    cwd = os.getcwd()
    explicit = {
        os.path.abspath(entry)
        for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep)
        if entry
    }
    paths = [os.path.abspath(entry) for entry in extra or []]
    for entry in sys.path:
        absolute = os.path.abspath(entry) if entry else cwd
        if absolute == cwd and absolute not in explicit:
            continue
        paths.append(absolute)
    return list(dict.fromkeys(paths))


def child_command(module: str, *args: str) -> list[str]:
    return [sys.executable, "-I", "-c", BOOTSTRAP, module, *args]


def child_env(base: dict[str, str] | None, extra_path: list[str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env[SYS_PATH_ENV] = os.pathsep.join(child_sys_path(extra_path))
    env[PARENT_ENV] = str(os.getpid())
    env.pop("PYTHONSTARTUP", None)
    # The memory cap limits address space; glibc reserves 64 MB of it per malloc arena
    # (up to 8 per core), which on a many-core machine would eat the cap.
    env.setdefault("MALLOC_ARENA_MAX", "2")
    return env


def memory_limit() -> int:
    """The children's address-space cap in bytes (0: none), from the environment or settings."""
    raw = os.environ.get(MEMORY_ENV, "").strip()
    if not raw:
        return settings.KERNEL_MEMORY_LIMIT
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    scale = units.get(raw[-1].upper(), 1)
    number = raw[:-1] if raw[-1].upper() in units else raw
    try:
        value = int(float(number) * scale)
    except (ValueError, OverflowError):
        value = -1
    if value == 0:
        return 0
    if value < MIN_MEMORY:
        raise UsageError(
            f"{MEMORY_ENV}={raw!r} is not a usable memory cap: give bytes or a size such as "
            f"4G (at least {MIN_MEMORY >> 20}M), or 0 for no cap"
        )
    return value


def make_workdir() -> str:
    return tempfile.mkdtemp(prefix="explorer-run-")


def remove_workdir(path: str | None) -> None:
    if path:
        shutil.rmtree(path, ignore_errors=True)


def _children_of() -> dict[int, list[int]]:
    """ppid -> pids, for every process on the machine (Linux /proc)."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1:
            tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[int]:
    tree = _children_of()
    found: list[int] = []
    pending = [pid]
    while pending:
        for child in tree.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def kill_tree(pid: int, *, also: Sequence[int] = ()) -> None:
    """SIGKILL a live child, its process group and every process below it (new sessions
    too), plus `also` (descendants found earlier, before the child could exit)."""
    for _ in range(3):  # a process forking while we look is caught on the next pass
        victims = descendants(pid)
        kill_pids((pid, *victims, *also))
        kill_group(pid)
        also = ()
        if not victims:
            return


def kill_pids(pids: Sequence[int]) -> None:
    for target in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(target, signal.SIGKILL)


def kill_group(pgid: int) -> None:
    """A group id stays taken while any member lives, so this never hits a stranger."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


# Children of this process that are alive, with their working directories: what a
# SIGTERM/SIGHUP handler (or the last resort at exit) must end and remove.
_LIVE: dict[int, str] = {}


def register(pid: int, workdir: str) -> None:
    _LIVE[pid] = workdir


def unregister(pid: int) -> None:
    _LIVE.pop(pid, None)


def kill_all_children() -> None:
    """End every live child with everything below it, and remove their directories."""
    for pid, workdir in list(_LIVE.items()):
        kill_tree(pid)
        remove_workdir(workdir)
        _LIVE.pop(pid, None)


atexit.register(kill_all_children)


# ---- in the child ----------------------------------------------------------------------------


def confine_child(memory: int) -> None:
    """First thing in a child: die with the parent, adopt orphans, cap the address space."""
    expected = os.environ.pop(PARENT_ENV, None)
    die_with_parent(int(expected) if expected is not None else None)
    libc = _libc()
    if libc is not None:
        libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    if memory > 0:
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        cap = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def die_with_parent(parent: int | None) -> None:
    """SIGKILL this process when its parent ends (also after a fork: the signal is not
    inherited); exit now if `parent` is already gone."""
    libc = _libc()
    if libc is not None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(0)  # the parent died before the death signal was armed


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:  # not Linux
        return None
