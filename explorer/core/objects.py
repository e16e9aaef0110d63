"""Look at an object without running it: its kind, its docstring, its home module.

Everything here goes through `inspect.getattr_static`, type checks on
`type(value)` and plain `__dict__` reads, so a property, a descriptor's
`__get__` or a `__getattr__` hook never runs while we look.
"""

from __future__ import annotations

import functools
import inspect
import re
import types
from typing import Any

from explorer.core.errors import describe_error as describe_error  # re-exported
from explorer.core.model import Kind
from explorer.core.render.signature import closing_paren
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
        return Kind.FUNCTION if _documents_itself(value) else Kind.DATA
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
        if issubclass(type(doc), property):  # pybind11's static property, say
            raise TypeError(f"its __doc__ is a {type(doc).__name__}, computed only when read")
        raise TypeError(f"its __doc__ is a {type(doc).__name__}, not a string")
    return doc


_C_DESCRIPTORS = (types.GetSetDescriptorType, types.MemberDescriptorType)


def _slot_doc(value: Any) -> Any:
    """`__doc__` read from a C slot where there is one (the built-in type the value is or
    subclasses, or an extension type that keeps a docstring per instance, like a ufunc),
    so a subclass's `__doc__` property never runs; other objects get a static lookup."""
    for base in static_mro(type(value)):
        slot = class_dict(base).get("__doc__")
        if type(slot) in _C_DESCRIPTORS:  # C code reads the slot; no isinstance: it may
            descriptor: Any = slot  # look up a hostile object's __class__
            return descriptor.__get__(value, type(value))
        if base in C_SLOT_TYPES:
            break
        if slot is not None:
            break  # a plain docstring of a Python class: the static lookup finds it
    return inspect.getattr_static(value, "__doc__", None)


def _documents_itself(value: Any) -> bool:
    """A callable instance with a docstring of its own (a ufunc, a torch op) reads as a
    function; one that only has its class's (a registry object) is data, as in help()."""
    if type(value) is functools.partial:
        return True
    try:
        own = _slot_doc(value)
    except Exception:  # noqa: BLE001 - a C slot that raises: nothing of its own to read
        return False
    class_doc = next(
        (doc for base in static_mro(type(value)) if (doc := class_dict(base).get("__doc__"))),
        None,
    )
    return type(own) is str and bool(own.strip()) and own != class_doc


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


# C functions (CPython's older builtins, torch's, numpy's ufuncs) open their
# docstring with `name(args) -> type` lines instead of carrying a __text_signature__;
# some go on, on the same line, with the description: `D.clear() -> None.  Remove ...`.
_SIGNATURE_START = re.compile(r"^(?P<name>[A-Za-z_][\w.]*)\(")
_TEXT_SIGNATURE_END = re.compile(r"^\s*--\s*$")  # CPython's `name(sig)\n--\n\n` convention
_DESCRIPTION_BREAK = re.compile(r"\.\s{2,}|\s+--\s+")


def _split_return(text: str) -> tuple[str, str]:
    """`None.  Remove all items` -> (`None`, `Remove all items`); `v, remove ...` alike.

    A return "type" of four words or more (`a set-like object providing a view
    on D's items`) is a description, not a type.
    """
    cut = _DESCRIPTION_BREAK.search(text)
    head, rest = (text[: cut.start()], text[cut.end() :]) if cut else (text, "")
    if not cut:
        before, comma, after = text.partition(", ")
        if comma and " " not in before.strip() and after[:1].islower():
            head, rest = before, after
    head, rest = head.strip().removesuffix("."), rest.strip()
    if len(head.split()) >= 4:
        head, rest = "", f"{head}.\n\n{rest}".strip()
    return head, rest[:1].upper() + rest[1:]


def _signature_line(line: str, name: str | None) -> tuple[str, str] | None:
    """(`(args) -> type`, description that follows on the line) or None."""
    match = _SIGNATURE_START.match(line.strip())
    if match is None or (name is not None and match["name"].rsplit(".", 1)[-1] != name):
        return None
    text = line.strip()
    close = closing_paren(text, match.end() - 1)
    if close < 0:
        return None
    params, tail = text[match.end() - 1 : close + 1], text[close + 1 :].strip()
    if not tail:
        return params, ""
    if not tail.startswith("->"):
        return None
    returned, description = _split_return(tail[2:].strip())
    return f"{params} -> {returned}" if returned else params, description


def split_signature_lines(doc: str, name: str | None = None) -> tuple[list[str], str]:
    """Signatures written as a docstring's first lines, and the rest of the doc.

    Several lines give several signatures (`int([x]) -> integer` and
    `int(x, base=10) -> integer`). A line with an indented continuation stays
    in the text, as does any line whose name is not `name` (when given).
    """
    lines = doc.strip().split("\n")
    signatures: list[str] = []
    descriptions: list[str] = []
    index = 0
    while index < len(lines):
        found = _signature_line(lines[index], name)
        continued = index + 1 < len(lines) and lines[index + 1][:1] in (" ", "\t")
        if found is None or (continued and lines[index + 1].strip()):
            break
        signatures.append(found[0])
        descriptions += [found[1]] if found[1] else []
        index += 1
        following = index  # more signatures may follow a `--` marker or a blank line
        while following < len(lines) and (
            not lines[following].strip() or _TEXT_SIGNATURE_END.match(lines[following])
        ):
            following += 1
        if following < len(lines) and _signature_line(lines[following], name) is not None:
            index = following
    if not signatures:
        return [], doc
    if index < len(lines) and _TEXT_SIGNATURE_END.match(lines[index]):
        index += 1
    rest = "\n".join(lines[index:]).strip()
    return signatures, "\n\n".join([*descriptions, rest] if rest else descriptions)


def split_signature_line(doc: str) -> tuple[str | None, str]:
    """(`(args) -> type` from a leading signature line or None, the rest of the doc)."""
    signatures, rest = split_signature_lines(doc)
    return (signatures[0], rest) if signatures else (None, doc)


def _summary_paragraph(doc: str) -> str:
    """The first paragraph that is prose: not a directive, comment or section heading."""
    for paragraph in re.split(r"\n\s*\n", split_signature_lines(doc)[1].strip()):
        lines = paragraph.strip().split("\n")
        if not lines[0] or lines[0].startswith(".. ") or paragraph[:1].isspace():
            continue
        if len(lines) > 1 and re.fullmatch(r"\s*([-=~^*+#])\1{2,}\s*", lines[1]):
            return ""  # a NumPy section heading: there is no summary
        return paragraph
    return ""


def first_sentence(doc: str) -> str:
    """The first sentence of the first paragraph, on one line (after a signature line)."""
    flat = " ".join(_summary_paragraph(doc).split())
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
