"""Reading what the index says about one object, statically: its kind, docstring, signature.

Values are looked up with `inspect.getattr_static` and C-level slots, so properties,
`__getattr__` hooks and descriptors never run. `entry` makes the plain dict (JSON-ready)
the index builder keeps per name; `defining_path` and `origin_of` say where an object
or a class member's function really lives, the same string in every process.
"""

from __future__ import annotations

import inspect
import types
from functools import lru_cache
from typing import Any

from explorer.core.links import plain_text
from explorer.core.model import Kind
from explorer.core.objects import class_dict, first_sentence, own_doc, split_signature_line
from explorer.core.search.signatures import default_text, function_signature

DOC_LIMIT = 40_000  # characters of docstring kept: the whole of all but a handful (Doc tab, search)
SUMMARY_LIMIT = 160
_HEAD = 4000  # characters of a docstring that hold its signature lines and first sentence
_TYPE_MODULE = type.__dict__["__module__"]
_TYPE_QUALNAME = type.__dict__["__qualname__"]
# Kinds whose `__doc__` is a C-level slot: reading it runs no user code.
_SAFE_DOC_TYPES = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodDescriptorType,
    types.WrapperDescriptorType,
    types.ClassMethodDescriptorType,
    types.GetSetDescriptorType,
    types.MemberDescriptorType,
    types.ModuleType,
    property,
)

# Defining paths (and class-member origins, with summary and signature) already described.
Seen = dict[str, tuple[str, str]]


def is_public(name: object) -> bool:
    return isinstance(name, str) and bool(name) and not name.startswith("_")


def entry(
    name: str, kind: str, key: str, signature: str, doc: str, defined_in: str | None
) -> dict[str, Any]:
    return {
        "name": name,
        "kind": kind,
        "key": key,
        "signature": signature,
        "summary": summary_of(doc) if doc else "",
        "doc": doc[:DOC_LIMIT],
        "defined_in": defined_in,
    }


def home_module(value: Any) -> str | None:
    try:
        if isinstance(value, type):
            module = _TYPE_MODULE.__get__(value)
        elif isinstance(value, types.FunctionType | types.BuiltinFunctionType):
            module = value.__module__
        else:
            module = inspect.getattr_static(value, "__module__", None)
    except Exception:  # noqa: BLE001
        return None
    return module if isinstance(module, str) else None


def defining_path(value: Any, kind: str) -> str | None:
    """`module.qualname` of a class or function: the same object seen twice has one key."""
    if kind in ("data", "module", "property", "descriptor"):
        return None
    module = home_module(value)
    try:
        if isinstance(value, type):
            qualname = _TYPE_QUALNAME.__get__(value)
        elif type(value) in _SAFE_DOC_TYPES:  # C slots: reading them runs nothing
            qualname = value.__qualname__
        else:
            qualname = inspect.getattr_static(value, "__qualname__", None)
            if not isinstance(qualname, str):
                qualname = inspect.getattr_static(value, "__name__", None)
    except Exception:  # noqa: BLE001
        return None
    if not (isinstance(module, str) and isinstance(qualname, str)) or "<" in qualname:
        return None
    return f"{module}.{qualname}"


def origin_of(value: Any) -> str | None:
    """Where a class member's function really lives, the same string in every process."""
    if isinstance(value, staticmethod | classmethod):
        value = value.__func__
    elif isinstance(value, property):
        value = value.fget
    if isinstance(value, types.FunctionType):
        module, qualname = value.__module__, value.__qualname__
        return f"{module}.{qualname}" if isinstance(module, str) else None
    if type(value) not in _SAFE_DOC_TYPES:
        return None
    objclass = getattr(value, "__objclass__", None)
    name = getattr(value, "__name__", None)
    if isinstance(objclass, type) and isinstance(name, str):
        home = home_module(objclass)
        return f"{home}.{_TYPE_QUALNAME.__get__(objclass)}.{name}"
    return None


def doc_of(value: Any) -> str:
    """The object's own docstring, read as the Doc view reads it (a C slot or statically,
    never a property); "" when there is none. A bound method (`numpy.random.normal`, a
    Cython method of a hidden RandomState) has its function's docstring."""
    if is_bound_function(value):
        value = value.__func__
    try:
        doc = own_doc(value)
    except TypeError:  # a __doc__ that is not a string
        return ""
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc else ""


@lru_cache(maxsize=1 << 14)  # a fifth of the docstrings an environment holds are repeats
def summary_of(doc: str) -> str:
    """The first sentence, roles as plain words, capped for the index."""
    summary = plain_text(first_sentence(doc[:_HEAD]))
    return summary if len(summary) <= SUMMARY_LIMIT else summary[: SUMMARY_LIMIT - 1] + "…"


def signature_of(value: Any, kind: Kind, doc: str) -> str:
    if kind in ("data", "property", "descriptor"):
        return ""
    func = value.__func__ if isinstance(value, staticmethod | classmethod) else value
    if kind.is_class and isinstance(func, type):
        return _init_signature(func)
    text = getattr(func, "__text_signature__", None) if type(func) in _SAFE_DOC_TYPES else None
    if isinstance(text, str) and text:
        return text.replace("$", "")
    bound = isinstance(func, types.MethodType)
    if isinstance(func, types.MethodType):
        func = func.__func__  # a C slot of the method object
    if isinstance(func, types.FunctionType):
        text = function_signature(func, skip_first=bound)
        if text is not None:
            return text
        try:
            signature = inspect.signature(func, follow_wrapped=False)
        except (TypeError, ValueError):
            return ""
        if bound:  # the instance or class it is bound to fills the first parameter
            signature = signature.replace(parameters=list(signature.parameters.values())[1:])
        return str(_unquoted(signature))
    return split_signature_line(doc[:_HEAD])[0] or ""


def is_bound_function(value: Any) -> bool:
    """A module-level name bound to a hidden instance's method (`random.shuffle`, which is
    `random._inst.shuffle`): to its users a plain function."""
    return type(value) is types.MethodType


class _Annotation(str):
    """A string annotation (from `from __future__ import annotations`) shown without quotes."""

    def __repr__(self) -> str:
        return str(self)


class _Shown:
    """A default as the index shows it (see `default_text`)."""

    def __init__(self, value: Any) -> None:
        self.text = default_text(value)

    def __repr__(self) -> str:
        return self.text


def _unquoted(signature: inspect.Signature) -> inspect.Signature:
    empty = inspect.Parameter.empty
    params = [
        param.replace(
            annotation=_Annotation(param.annotation)
            if isinstance(param.annotation, str) else param.annotation,
            default=param.default if param.default is empty else _Shown(param.default),
        )
        for param in signature.parameters.values()
    ]  # fmt: skip
    returns = signature.return_annotation
    return signature.replace(
        parameters=params,
        return_annotation=_Annotation(returns) if isinstance(returns, str) else returns,
    ) if params or returns is not empty else signature  # fmt: skip


def _init_signature(klass: type) -> str:
    """The constructor's parameters from the nearest Python `__init__`, without `self`."""
    for base in klass.__mro__:
        init = class_dict(base).get("__init__")
        if init is None:
            continue
        if not isinstance(init, types.FunctionType):
            return ""
        text = function_signature(init, skip_first=True, returns=False)
        if text is not None:
            return text
        try:
            params = list(inspect.signature(init, follow_wrapped=False).parameters.values())
        except (TypeError, ValueError):
            return ""
        return str(_unquoted(inspect.Signature(params[1:])))
    return ""
