"""List the members of a target the way `dir()` sees them, classified without running them."""

from __future__ import annotations
import __future__

import contextlib
import inspect
from dataclasses import replace
from typing import Any

from explorer.core.links import plain_text
from explorer.core.model import Kind, Listing, Member, listing_order
from explorer.core.objects import (
    class_dict,
    classify,
    defined_in,
    describe_error,
    first_sentence,
    get_doc,
    is_class,
    short_value,
)
from explorer.core.resolve import resolve
from explorer.core.static import static_mro


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def is_visible(name: str, *, private: bool, dunder: bool) -> bool:
    if is_dunder(name):
        return dunder
    if name.startswith("_"):
        return private
    return True


def _names(obj: Any, notes: list[str]) -> list[str]:
    """dir(obj); the __dict__s along the MRO when dir() raises, or when it would run the
    instance's own attribute hooks (an instance whose class defines __getattribute__)."""
    if is_class(obj) or classify(obj) == Kind.MODULE or not _has_hooks(type(obj)):
        try:
            return sorted({name for name in dir(obj) if type(name) is str})
        except Exception as exc:  # noqa: BLE001 - a hostile __dir__
            notes.append(f"dir() raised {describe_error(exc)}; listing the __dict__s instead")
    names: set[str] = set()
    klasses = static_mro(obj) if is_class(obj) else static_mro(type(obj))
    for klass in klasses:
        names.update(class_dict(klass))
    if not is_class(obj):
        with contextlib.suppress(AttributeError, TypeError):
            names.update(object.__getattribute__(obj, "__dict__"))
    return sorted(name for name in names if type(name) is str)


def _has_hooks(klass: type) -> bool:
    hooks = {"__getattribute__", "__getattr__"}
    return any(hooks & set(class_dict(base)) for base in static_mro(klass) if base is not object)


def _owner(klass: type, name: str) -> type | None:
    """The class along the MRO whose own __dict__ holds `name`."""
    for base in klass.__mro__:
        if name in class_dict(base):
            return base
    return None


def _qualified(klass: type) -> str:
    return f"{klass.__module__}.{klass.__qualname__}"


def _exports(obj: Any) -> set[str]:
    """Names in a module's `__all__`: only a real list or tuple is read (an object with its
    own `__iter__` could run forever), and only its strings count."""
    if classify(obj) != Kind.MODULE:
        return set()
    exported = vars(obj).get("__all__")
    if type(exported) not in (list, tuple):
        return set()
    return {name for name in exported if type(name) is str}


def describe_member(obj: Any, name: str, qualname: str, exports: set[str]) -> Member:
    """One Member; whatever raises while looking becomes its `error`."""
    member = Member(name=name, qualname=qualname, kind=Kind.DATA, exported=name in exports)
    try:
        value = inspect.getattr_static(obj, name)
    except AttributeError:
        return replace(member, error="not in any __dict__ (provided by __getattr__; not evaluated)")
    except Exception as exc:  # noqa: BLE001
        return replace(member, error=describe_error(exc))
    holder = obj if is_class(obj) else (None if classify(obj) == Kind.MODULE else type(obj))
    owner = _owner(holder, name) if holder is not None else None
    if owner is not None and holder is not None and owner is not holder:
        member = replace(member, inherited_from=_qualified(owner))
    kind = Kind.DATA
    try:
        kind = classify(value, in_class=holder is not None)
        doc = get_doc(value, owner=owner, name=name)
        summary = short_value(value) if kind == Kind.DATA else plain_text(first_sentence(doc))
        return replace(member, kind=kind, summary=summary, defined_in=defined_in(value))
    except Exception as exc:  # noqa: BLE001
        return replace(member, kind=kind, error=describe_error(exc))


def _is_future_flag(obj: Any, name: str) -> bool:
    """`from __future__ import annotations` leaves a compiler flag, not an API member."""
    if classify(obj) != Kind.MODULE:
        return False
    return type(vars(obj).get(name)) is __future__._Feature


def _imported_module(obj: Any, member: Member) -> bool:
    """`import codecs` inside json: a module that is neither a submodule of the module
    listed nor named in its `__all__` (shown, like private names, only on request)."""
    if member.kind != Kind.MODULE or member.exported or classify(obj) != Kind.MODULE:
        return False
    package = vars(obj).get("__name__")
    return not (type(package) is str and (member.defined_in or "").startswith(package + "."))


def members_of(obj: Any, qualname: str, *, private: bool = False, dunder: bool = False) -> Listing:
    notes: list[str] = []
    exports = _exports(obj)
    members = [
        describe_member(obj, name, f"{qualname}.{name}", exports)
        for name in _names(obj, notes)
        if is_visible(name, private=private, dunder=dunder) and not _is_future_flag(obj, name)
    ]
    if not private:
        members = [member for member in members if not _imported_module(obj, member)]
    members.sort(key=listing_order)
    mro = tuple(_qualified(klass) for klass in obj.__mro__) if is_class(obj) else ()
    return Listing(qualname, classify(obj), tuple(members), tuple(notes), mro)


def list_members(target: str, *, private: bool = False, dunder: bool = False) -> Listing:
    resolved = resolve(target)
    listing = members_of(resolved.obj, target, private=private, dunder=dunder)
    if is_class(resolved.parent):  # a method is one as a target too (the Doc tab says so)
        listing = replace(listing, kind=classify(resolved.obj, in_class=True))
    return listing
