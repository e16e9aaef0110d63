"""Defaults in one place: what to open, what to import ahead, how long to wait, how much to keep.

Plain values only (no imports of ours), so every layer may read them. Where an
environment variable can override a value, the reader of that variable says so.
"""

from __future__ import annotations

# ---- what the tool is about ------------------------------------------------------------

DEFAULT_PACKAGE = "torch"  # searched when a query names no package; the first users' package
HOME_SUGGESTIONS = ("torch.distributions", "torch.autograd", "torch", "builtins")
# Slow to import: a worker or kernel for a target under one of these starts importing it
# while the UI paints, and every example namespace of the package gets it.
WARM_PACKAGES = ("torch",)
SEED_IMPORTS = ("torch",)  # what a snippet or runner namespace (no module of its own) imports

# ---- docstring examples --------------------------------------------------------------------

# The names a package's documentation takes for granted in its examples, per top-level
# package: (name, module) pairs. An example block runs in the globals of the module that
# documents it plus these, each bound only where that module has no such name of its own
# and only when the module is installed. torch's doctest CI gives every example the first
# three (xdoctest --global-exec "from torch import nn / import torch.nn.functional as F /
# import torch"); `--setup CODE` replaces the table for one run. A package missing here
# gets its module globals alone, so a target outside torch never imports torch.
EXAMPLE_CONVENTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "torch": (
        ("torch", "torch"),
        ("nn", "torch.nn"),
        ("F", "torch.nn.functional"),
        ("np", "numpy"),
    ),
    "numpy": (("np", "numpy"),),
    "pandas": (("pd", "pandas"), ("np", "numpy")),
    "scipy": (("np", "numpy"), ("scipy", "scipy")),
}
# Checking options a package's own doctest CI applies to every example, applied here too
# so the same examples pass (torch's: xdoctest --options +IGNORE_WHITESPACE).
EXAMPLE_OPTIONS: dict[str, tuple[str, ...]] = {"torch": ("+IGNORE_WHITESPACE",)}

# ---- time (seconds) -----------------------------------------------------------------------

# A cold `import torch` on a slow disk stays under this: every request that may import a
# package (open a target, warm a kernel, collect examples, start an index importer) gets it.
COLD_IMPORT_ALLOWANCE = 120.0
WORKER_TIMEOUT = 30.0  # one list/doc/help/source request once the target is imported
# A fresh worker or kernel starting (Python and our modules, before any target) on a busy
# machine: request clocks start once it is up, or after this long.
START_ALLOWANCE = 60.0
KERNEL_TIMEOUT = 10.0  # one run, when the caller sets no limit of its own
# `--run-examples --timeout` default, per example part: torch.nn.Transformer's example
# alone takes ~10 s on a busy 2-core machine, and a slow example is not a failing one.
RUN_EXAMPLES_TIMEOUT = 30.0
INTERRUPT_GRACE = 1.0  # a kernel gets this long to honour SIGINT before it is killed
INDEX_MODULE_TIMEOUT = 30.0  # one submodule's import and description in an index build
REPR_TIME_LIMIT = 1.0  # one default's or annotation's repr while looking (not running)
# `--run-examples` imports the target's submodules to find their examples; one import gets
# this long unless the user's --timeout says otherwise.
SUBMODULE_IMPORT_TIMEOUT = 30.0

# ---- caps --------------------------------------------------------------------------------

# `import torch` (2.x, CPU) leaves a process at ~0.52 GB of address space and a first
# matmul peaks near 0.66 GB (VmSize in /proc/self/status): 4 GiB leaves ~3.3 GiB for the
# user's tensors and refuses a 50 GB request.
KERNEL_MEMORY_LIMIT = 4 << 30  # bytes of address space; EXPLORER_KERNEL_MEMORY overrides
RUN_OUTPUT_LIMIT = 1_000_000  # characters of stdout+stderr streamed per run
VALUE_REPR_LIMIT = 100_000  # characters of a run's last value shown
MODULE_OUTPUT_LIMIT = 1 << 20  # characters of what imported modules printed, kept by a worker
# A docstring part (description, one parameter, one note) longer than this is shown as
# written, not parsed as reST: docutils takes 1-2 ms per 1,000 characters of ordinary
# markup, and the longest part among 590 torch/numpy/stdlib docstrings is ~4,000.
DOC_FORMAT_MAX_CHARS = 20_000
# Characters of inline scanning one docstring's rendering may cost: docutils rescans the
# rest of a paragraph for every unclosed `*` or backquote (quadratic on hostile text).
# 1.5 M is ~30x the longest ordinary docstring, and a few tens of milliseconds.
DOC_FORMAT_WORK = 1_500_000

# ---- the search index ------------------------------------------------------------------

# Standard-library modules `explore --index --all` leaves out: they open a browser or print
# on import (antigravity, this), need a display (tkinter, turtle), or are tests and tools.
STDLIB_SKIP = frozenset({
    "antigravity", "this", "idlelib", "turtledemo", "tkinter", "turtle", "test", "lib2to3",
    "ensurepip", "pydoc_data", "xxsubtype", "xxlimited", "xxlimited_35", "msilib", "winreg",
    "winsound", "msvcrt", "nt",
})  # fmt: skip
INDEX_ALL_SKIP = frozenset({"explorer"})  # distributions `--index --all` leaves out: this tool
INDEX_BUILD_WAIT = 120.0  # seconds a search waits for another process's build of an index
# Modules an index importer is asked for at once (each still with its own timeout): one
# round trip costs ~0.15 ms of CPU, a small module's import and description about as much.
# An importer that has a package to itself takes many; two that share one take few, so
# neither waits long for the other at the end.
INDEX_BATCH = 32
INDEX_SHARED_BATCH = 8
