"""Turn a dotted name into an object: importlib for the module, getattr for the rest.

Nothing the user types is evaluated: the string must be identifiers joined by
dots, and each step is an import or a static-first attribute lookup.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import importlib.util
import inspect
import pkgutil
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from explorer.core.dotted import TargetError, did_you_mean, validate
from explorer.core.errors import describe_error

__all__ = ["Resolved", "TargetError", "did_you_mean", "resolve", "validate"]


@dataclass(slots=True)
class Resolved:
    target: str  # the dotted name as given
    obj: Any
    module: ModuleType  # the deepest module imported on the way
    parent: Any  # the object the last name was looked up on (None for a module)
    attr_path: tuple[str, ...]  # names after the module


def _import(name: str) -> ModuleType | None:
    """Import `name`; None when that module (not one of its imports) is missing."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (exc.name == name or name.startswith(exc.name + ".")):
            return None
        raise TargetError(f"importing {name} raised ModuleNotFoundError: {exc}") from exc
    except SystemExit as exc:
        raise TargetError(f"importing {name} called sys.exit({exc.code!r})") from exc
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # any import failure is the user's answer
        raise TargetError(f"importing {name} raised {describe_error(exc)}") from exc


def lookup(parent: Any, name: str) -> Any:
    """getattr that prefers the static value, so properties of classes stay descriptors."""
    try:
        value = inspect.getattr_static(parent, name)
    except AttributeError:
        return getattr(parent, name)  # dynamic attributes (module __getattr__, C slots)
    # Functions and class/static methods are worth binding so `Cls.method` reads naturally.
    if issubclass(type(value), classmethod | staticmethod):
        return getattr(parent, name)
    return value


def resolve(target: str) -> Resolved:
    parts = validate(target)
    module: ModuleType | None = None
    index = 0
    # The longest importable module prefix wins: try from the longest down.
    for index in range(len(parts), 0, -1):
        name = ".".join(parts[:index])
        if name in sys.modules or _module_may_exist(name):
            module = _import(name)
            if module is not None:
                break
    if module is None and parts[0] in vars(builtins):
        module, index = builtins, 0  # `dict.setdefault`, `print`: as help() finds them
    if module is None:
        hint = did_you_mean(parts[0], top_level_names())
        raise TargetError(f"no module named {parts[0]!r}{hint}")
    obj: Any = module
    parent: Any = None
    for depth, name in enumerate(parts[index:], start=index):
        parent = obj
        try:
            obj = lookup(obj, name)
        except Exception as exc:  # __getattr__ may raise anything
            where = ".".join(parts[:depth])
            if isinstance(exc, AttributeError):
                hint = did_you_mean(name, attribute_names(obj))
                raise TargetError(f"{where} has no attribute {name!r}{hint}") from exc
            raise TargetError(
                f"looking up {name!r} on {where} raised {describe_error(exc)}"
            ) from exc
    return Resolved(target, obj, module, parent, tuple(parts[index:]))


def _module_may_exist(name: str) -> bool:
    """Cheap check before importing: does a finder know this module?"""
    parent_name, _, _ = name.rpartition(".")
    if parent_name:
        parent = sys.modules.get(parent_name)
        if parent is None:
            try:
                parent = importlib.import_module(parent_name)
            except BaseException:  # noqa: BLE001 - reported when the parent itself is tried
                return False
        if "__path__" not in vars(parent):  # no hasattr: it would run __getattr__
            return False
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
    except BaseException:  # noqa: BLE001
        return False


def attribute_names(obj: Any) -> list[str]:
    """Names a lookup on `obj` could have meant: its attributes and, for a package,
    its submodules (found on disk, not imported)."""
    names: list[str] = []
    with contextlib.suppress(Exception):  # a hostile __dir__: no suggestions from it
        names += dir(obj)
    path = vars(obj).get("__path__") if isinstance(obj, ModuleType) else None
    if path is not None:
        with contextlib.suppress(Exception):  # an odd __path__: no submodule suggestions
            names += [module.name for module in pkgutil.iter_modules(path)]
    return names


def top_level_names() -> list[str]:
    """Importable top-level module names (found on sys.path, not imported)."""
    return [*sys.builtin_module_names, *(module.name for module in pkgutil.iter_modules())]
