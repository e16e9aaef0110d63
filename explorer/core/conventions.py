"""The names a package's documentation takes for granted in its examples.

settings.EXAMPLE_CONVENTIONS is the table (torch: `torch`, `nn`, `F`, `np`, as
torch's doctest CI binds them); this reads it for one target. Nothing here
imports a target: whether a module is installed is asked of the import system's
finders for its top-level package only (which never runs the package), so the
UI may show the conventions too.
"""

from __future__ import annotations

import importlib.util
import sys

from explorer import settings

Convention = tuple[str, str]  # (name, module): `F` stands for `torch.nn.functional`


def conventions(seed: str | None) -> tuple[Convention, ...]:
    """(name, module) pairs a namespace gets when the caller names none: the example
    conventions of the seed's top-level package, or, with no seed (the runner, a
    snippet), the seed imports. Installed modules only."""
    if seed:
        pairs = settings.EXAMPLE_CONVENTIONS.get(seed.split(".")[0], ())
    else:
        pairs = tuple((module.split(".")[0], module) for module in settings.SEED_IMPORTS)
    return tuple((name, module) for name, module in pairs if _installed(module))


def describe_conventions(pairs: tuple[Convention, ...]) -> str:
    """`torch, nn = torch.nn, F = torch.nn.functional`: what a namespace gets, as code reads."""
    return ", ".join(name if name == module else f"{name} = {module}" for name, module in pairs)


def _installed(module: str) -> bool:
    top = module.split(".")[0]
    try:
        return top in sys.modules or importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False
