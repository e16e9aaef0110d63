"""Look at an object without running it: its kind, its docstring, its home module.

Everything here goes through `inspect.getattr_static`, type checks on
`type(value)` and plain `__dict__` reads, so a property, a descriptor's
`__get__` or a `__getattr__` hook never runs while we look.
"""

from __future__ import annotations

import inspect
import re
import types
from typing import Any

from explorer.core.errors import describe_error as describe_error  # re-exported
from explorer.core.model import Kind
from explorer.core.static import C_SLOT_TYPES, static_mro, static_text
from explorer.core.static import class_dict as class_dict  # its home before static.py

_BUILTIN_METHOD_TYPES = (
    types.MethodDescriptorType,
    types.WrapperDescriptorType,
    types.MethodWrapperType,
    types.BuiltinMethodType,
)
_SAFE_DATA_TYPES = (int, float, complex, bool, str, bytes, type(None))


def is_class(value: Any) -> bool:
    return issubclass(type(value), type)


def classify(value: Any, *, in_class: bool = False) -> Kind:
    """The kind of a raw (unbound, static) value; `in_class` when it sits in a class body."""
    kind_of_type = type(value)
    if issubclass(kind_of_type, types.ModuleType):
        return Kind.MODULE
    if issubclass(kind_of_type, type):
        try:
            return Kind.EXCEPTION if issubclass(value, BaseException) else Kind.CLASS
        except Exception:  # noqa: BLE001 - a hostile metaclass
            return Kind.CLASS
    if issubclass(kind_of_type, staticmethod):
        return Kind.STATICMETHOD
    if issubclass(kind_of_type, classmethod | types.ClassMethodDescriptorType):
        return Kind.CLASSMETHOD
    if issubclass(kind_of_type, property):
        return Kind.PROPERTY
    if issubclass(kind_of_type, types.FunctionType):
        return Kind.METHOD if in_class else Kind.FUNCTION
    if issubclass(kind_of_type, types.MethodType):
        return Kind.METHOD
    if issubclass(kind_of_type, types.BuiltinFunctionType):
        return Kind.METHOD if in_class else Kind.BUILTIN
    if issubclass(kind_of_type, _BUILTIN_METHOD_TYPES):
        return Kind.METHOD
    if issubclass(kind_of_type, types.GetSetDescriptorType | types.MemberDescriptorType):
        return Kind.DESCRIPTOR
    if _is_data_descriptor(kind_of_type):
        return Kind.DESCRIPTOR
    if in_class and _has(kind_of_type, "__get__") and callable(value):
        return Kind.METHOD
    if callable(value) and not in_class:
        return Kind.FUNCTION
    return Kind.DATA


def _has(cls: type, name: str) -> bool:
    return any(name in class_dict(klass) for klass in static_mro(cls))


def _is_data_descriptor(cls: type) -> bool:
    return _has(cls, "__get__") and (_has(cls, "__set__") or _has(cls, "__delete__"))


def own_doc(value: Any) -> str | None:
    """`__doc__` of functions, classes, modules and descriptors, read without surprises."""
    if is_class(value):
        doc = class_dict(value).get("__doc__")
    elif type(value) in (staticmethod, classmethod):
        doc = own_doc(value.__func__)
    else:
        doc = _slot_doc(value)
    if doc is not None and type(doc) is not str:
        raise TypeError(f"__doc__ is a {type(doc).__name__}, not a string")
    return doc


def _slot_doc(value: Any) -> Any:
    """`__doc__` from the C slot of the built-in type the value is (or subclasses), so a
    subclass's `__doc__` property never runs; other objects get a static lookup."""
    for base in static_mro(type(value)):
        if base in C_SLOT_TYPES:
            slot = class_dict(base).get("__doc__")
            if isinstance(slot, types.GetSetDescriptorType | types.MemberDescriptorType):
                return slot.__get__(value, type(value))
            break
    return inspect.getattr_static(value, "__doc__", None)


def get_doc(value: Any, *, owner: type | None = None, name: str | None = None) -> str:
    """The cleaned docstring, inherited from the same name up the MRO when missing.

    Plain data (instances that are not descriptors) has no doc of its own: the
    type's docstring would describe the type, not this value, so it is empty.
    """
    if classify(value, in_class=owner is not None) == "data":
        return ""
    doc = own_doc(value)
    if doc is None and owner is not None and name is not None:
        for klass in static_mro(owner)[1:]:
            inherited = class_dict(klass).get(name)
            if inherited is not None:
                doc = own_doc(inherited)
                if doc:
                    break
    return inspect.cleandoc(doc) if doc else ""


_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)\.(?=\s|$)")


# torch's C functions open their docstring with `name(args) -> type` instead of
# carrying a __text_signature__.
_SIGNATURE_LINE = re.compile(r"^\s*[\w.]+(?P<signature>\(.*\)(\s*->\s*.+)?)\s*$")


def split_signature_line(doc: str) -> tuple[str | None, str]:
    """(`(args) -> type` from a leading signature line or None, the rest of the doc)."""
    first, _, rest = doc.strip().partition("\n")
    match = _SIGNATURE_LINE.match(first)
    return (match["signature"].strip(), rest.strip()) if match else (None, doc)


def first_sentence(doc: str) -> str:
    """The first sentence of the first paragraph, on one line (after a signature line)."""
    paragraph = split_signature_line(doc)[1].strip().split("\n\n", 1)[0]
    flat = " ".join(paragraph.split())
    match = _SENTENCE_END.search(flat)
    return flat[: match.end()] if match else flat


def defined_in(value: Any) -> str | None:
    """The module that defines a function or class; None for plain data."""
    if issubclass(type(value), staticmethod | classmethod | property):
        value = getattr(value, "__func__", None) or getattr(value, "fget", None)
    if issubclass(type(value), types.ModuleType):
        name = value.__name__
        return name if type(name) is str else None
    if not (is_class(value) or callable(value)) or classify(value) == Kind.DATA:
        return None
    return static_text(value, "__module__")


def short_value(value: Any, limit: int = 60) -> str:
    """A safe one-line stand-in for data: repr only of builtin scalars."""
    if type(value) in _SAFE_DATA_TYPES:
        text = repr(value)
        return text if len(text) <= limit else text[: limit - 1] + "…"
    return f"<{type(value).__qualname__} object>"
