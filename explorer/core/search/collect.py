"""Collect search-index entries from one imported module, without running anything in it.

`entries_for_module(name)` returns plain dicts (JSON-ready) for the module itself,
each public member and, for classes, their own public members and the same-package
bases they inherit the rest from (see `explorer.core.search.classes`). Values are
looked up with `inspect.getattr_static` and C-level slots, so properties,
`__getattr__` hooks and descriptors never run; whatever raises while looking is
skipped for that one name. Each entry carries `key`, the defining path
(`module.qualname`), so the builder can keep one entry per object and prefer its
shortest public path (torch.distributions.Multinomial over
torch.distributions.multinomial.Multinomial).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

from explorer.core.model import Kind
from explorer.core.objects import classify, is_class, own_doc
from explorer.core.search.classes import base_keys, class_entries
from explorer.core.search.describe import (
    Seen,
    defining_path,
    doc_of,
    entry,
    home_module,
    is_bound_function,
    is_public,
    signature_of,
    summary_of,
)
from explorer.core.search.names import has_private_segment

__all__ = ["Seen", "entries_for_module", "is_public", "summary_of"]

_MODULE_DICT: Any = vars(types.ModuleType)["__dict__"]


def entries_for_module(module_name: str, seen: Seen | None = None) -> list[dict[str, Any]]:
    """Entries for an already-imported module (imported here if it is not yet).

    `seen` (defining paths already described, shared across calls by a builder
    that walks many modules of one package) lets each class and docstring be
    described once: a later sighting of a class or function is a light alias entry
    `{"name", "key", "alias": True}`, of a class member's function an entry
    without docstring text. A module another name stands for (`os.path`, which is
    `posixpath`) is an alias entry with `module_alias` set.
    """
    module = sys.modules.get(module_name)
    if module is None:
        import importlib

        module = importlib.import_module(module_name)
    seen = {} if seen is None else seen
    root = module_name.split(".", 1)[0]
    try:
        entries = [entry(module_name, "module", module_name, "", doc_of(module), module_name)]
    except Exception:  # noqa: BLE001 - a module whose docstring cannot be read is still indexed
        entries = [entry(module_name, "module", module_name, "", "", module_name)]
    namespace = _MODULE_DICT.__get__(module)
    unlisted = _unlisted_definitions(namespace, root)
    for name, value in _public_members(module, root, unlisted):
        full = f"{module_name}.{name}"
        try:
            if isinstance(value, types.ModuleType):
                entries.append(_module_alias(full, value))
                continue
            described = _describe(full, value, module_name, seen)
            if name in unlisted:
                described[0]["unlisted"] = True
            entries.extend(described)
        except Exception:  # noqa: BLE001, S112 - a hostile object costs its own entry, nothing more
            continue
    return entries


def _public_members(module: Any, root: str, unlisted: list[str]) -> Iterator[tuple[str, Any]]:
    """The names a reader of `module` would call its API.

    `__all__` when the module declares it, and the definitions it left out (`unlisted`,
    from `_unlisted_definitions`); otherwise the public names whose
    value comes from the same top-level package, so `from typing import Any`
    does not make `torch.nn.modules.linear.Any` a search hit. Submodules get their
    own entries from the package walk; a module exported under another name
    (`os.__all__` names `path`) comes as an alias.
    """
    namespace = _MODULE_DICT.__get__(module)
    exported = namespace.get("__all__")
    names: list[str] | None = None
    if isinstance(exported, list | tuple):
        names = [name for name in exported if isinstance(name, str) and is_public(name)]
    module_name = namespace.get("__name__")
    if names is not None:
        names += _exported_elsewhere(namespace, set(names), root)
        names += unlisted
    for name in names if names is not None else list(namespace):
        if not is_public(name) or name not in namespace:
            continue
        value = namespace[name]
        if isinstance(value, types.ModuleType):
            real = _MODULE_DICT.__get__(value).get("__name__")
            if names is not None and isinstance(real, str) and real != f"{module_name}.{name}":
                yield name, value
            continue
        if names is None and not _belongs_to(value, root):
            continue
        yield name, value


def _exported_elsewhere(namespace: dict[str, Any], listed: set[str], root: str) -> list[str]:
    """Names `__all__` leaves out that the module they come from lists in its own
    `__all__` (`torch.unique`: torch star-imports torch.functional, whose `__all__` has
    it, but torch's does not): incomplete re-export lists are common."""
    found = []
    for name, value in list(namespace.items()):
        if name in listed or not is_public(name) or isinstance(value, types.ModuleType):
            continue
        home = home_module(value)
        if home is None or home == namespace.get("__name__") or not _belongs_to(value, root):
            continue
        if has_private_segment(home):
            continue
        source = sys.modules.get(home)
        exported = _MODULE_DICT.__get__(source).get("__all__") if source is not None else None
        if isinstance(exported, list | tuple) and name in exported:
            found.append(name)
    return found


def _unlisted_definitions(namespace: dict[str, Any], root: str) -> list[str]:
    """Documented functions and classes a module defines but leaves out of the `__all__` it
    declares: some are helpers, some API the list forgot (torch.set_default_dtype), so
    they are indexed, a little below the listed names."""
    exported = namespace.get("__all__")
    if not isinstance(exported, list | tuple):
        return []
    listed = set(exported)
    module_name = namespace.get("__name__")
    return [
        name for name, value in list(namespace.items())
        if isinstance(name, str) and name not in listed and is_public(name)
        and _documented_definition(value, module_name, root)
    ]  # fmt: skip


def _documented_definition(value: Any, module_name: Any, root: str) -> bool:
    """A function or class `module_name` defines, with a docstring of its own: API,
    whatever `__all__` says."""
    try:
        if type(value) is not types.FunctionType and not is_class(value):
            return False
        doc = own_doc(value)
        documented = doc is not None and bool(doc.strip())
        return documented and home_module(value) == module_name and _belongs_to(value, root)
    except Exception:  # noqa: BLE001 - a hostile object is left out, the module still indexed
        return False


def _module_alias(name: str, module: Any) -> dict[str, Any]:
    real = _MODULE_DICT.__get__(module)["__name__"]
    return {"name": name, "key": real, "alias": True, "module_alias": True}


def _belongs_to(value: Any, root: str) -> bool:
    home = home_module(value.__func__ if is_bound_function(value) else value)
    if home is None:
        home = home_module(type(value))  # data: an instance of one of the package's types
    # `_bisect` is bisect's C accelerator: `from _bisect import *` puts its functions there.
    return home is not None and (home == root or home.startswith(root + ".") or home == "_" + root)


def _describe(name: str, value: Any, module_name: str, seen: Seen) -> list[dict[str, Any]]:
    kind = Kind.FUNCTION if is_bound_function(value) else classify(value)
    # A bound method's own path is its class's method (Random.shuffle): this name is its own.
    key = (None if is_bound_function(value) else defining_path(value, kind)) or name
    if key in seen:
        return [{"name": name, "key": key, "alias": True}]
    seen[key] = ("", "")
    doc = "" if kind == "data" else doc_of(value)
    home = home_module(value) if kind != "data" else module_name
    if is_bound_function(value):
        home = module_name
    described = entry(name, kind, key, signature_of(value, kind, doc), doc, home)
    if not kind.is_class:
        return [described]
    described["bases"] = base_keys(value)
    return [described, *class_entries(name, key, value, seen)]
