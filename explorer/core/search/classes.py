"""A class's index entries: its own members, and the bases it inherits the rest from.

Inherited members are not copied into every subclass (sympy's thousand `Expr`
subclasses would each repeat hundreds of methods): a class entry lists `bases`, the
defining paths of its bases from the same package in method resolution order, and
each base is described once with its own members. A base the package's module walk
never reaches (`torch._C.TensorBase` under `torch.Tensor`) is described here with
`base_only` set; the builder (explorer.core.search.merge) then copies its members
into the public classes that inherit them, since it has no public name of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from explorer.core.objects import class_dict, classify
from explorer.core.search.describe import (
    DOC_LIMIT,
    Seen,
    defining_path,
    doc_of,
    entry,
    home_module,
    is_public,
    origin_of,
    signature_of,
    summary_of,
)

_TYPE_MRO = type.__dict__["__mro__"]


def class_entries(
    class_name: str, class_key: str, klass: type, seen: Seen
) -> Iterator[dict[str, Any]]:
    """The class's own public members, then every same-package base not described yet
    (each with its own members). Sets `bases` on nothing: see `package_bases`."""
    yield from _own_members(class_name, class_key, klass, seen)
    for base in package_bases(klass)[1:]:
        key = defining_path(base, "class")
        if key is None or key in seen:
            continue
        seen[key] = ("", "")
        base_entry = entry(key, classify(base), key, signature_of(base, classify(base), ""),
                           doc_of(base), home_module(base))  # fmt: skip
        base_entry["base_only"] = True
        base_entry["bases"] = base_keys(base)
        yield base_entry
        yield from _own_members(key, key, base, seen)


def package_bases(klass: type) -> list[type]:
    """The class and its bases from the same top-level package, in resolution order
    (object, dict, Enum...: their members are not this package's API)."""
    root = (home_module(klass) or "").split(".", 1)[0]
    found = []
    for base in _static_mro(klass):
        home = home_module(base)
        if home is not None and (home == root or home.startswith(root + ".")):
            found.append(base)
    return found


def base_keys(klass: type) -> list[str]:
    """Defining paths of the class's same-package bases, nearest first."""
    keys = (defining_path(base, "class") for base in package_bases(klass)[1:])
    return [key for key in keys if key is not None]


def _own_members(
    class_name: str, class_key: str, klass: type, seen: Seen
) -> Iterator[dict[str, Any]]:
    try:
        namespace = dict(class_dict(klass))
    except Exception:  # noqa: BLE001 - a class whose namespace cannot be read lists nothing
        return
    home = home_module(klass)
    bases = tuple(_static_mro(klass)[1:])
    for member, value in namespace.items():
        if not isinstance(member, str) or not is_public(member):
            continue
        found = _member_entry(f"{class_name}.{member}", f"{class_key}.{member}", value, seen,
                              bases)  # fmt: skip
        if found is not None:
            found["parent"] = class_key
            found["defined_in"] = home
            yield found


def _member_entry(
    name: str, key: str, value: Any, seen: Seen, bases: tuple[type, ...]
) -> dict[str, Any] | None:
    try:
        kind = classify(value, in_class=True)
        if kind.opens:
            return None  # nested classes are rare in APIs and would need their own walk
        origin = origin_of(value)
        if origin is not None and origin in seen:
            # Described already (the same function in another class): its docstring text
            # travels once per process, and the builder moves it to the entry it shows.
            summary, signature = seen[origin]
            found = entry(name, kind, key, signature, "", None)
            found["summary"] = summary  # (the docstring stays with the first sighting)
        else:
            doc = "" if kind == "data" else doc_of(value)
            found = entry(name, kind, key, signature_of(value, kind, doc), doc, None)
            if not doc and kind != "data":
                _inherit_doc(found, name.rsplit(".", 1)[-1], bases)
            if origin is not None:
                seen[origin] = (found["summary"], found["signature"])
    except Exception:  # noqa: BLE001 - skip one hostile member, keep the rest
        return None
    if origin is not None:
        found["origin"] = origin
    return found


def _inherit_doc(found: dict[str, Any], member: str, bases: tuple[type, ...]) -> None:
    """An override without a docstring reads its base's, as `inspect.getdoc` does."""
    for base in bases:
        value = class_dict(base).get(member)
        if value is not None and classify(value, in_class=True) != "data":
            # (plain data's "docstring" would be its type's: bool's, for `has_rsample = False`)
            doc = doc_of(value)
            if doc:
                found["doc"] = doc[:DOC_LIMIT]
                found["summary"] = summary_of(doc)
                return


def _static_mro(klass: type) -> tuple[type, ...]:
    mro = _TYPE_MRO.__get__(klass)
    return mro if isinstance(mro, tuple) else (klass,)
