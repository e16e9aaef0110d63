"""Reading attributes, signatures and reprs without running the object's own code.

Looking at an object must never run its properties, `__getattr__`/`__getattribute__`
hooks or descriptors. The rule here: C-level slots of the built-in types (a
function's `__doc__`, a class's `__module__`) are read directly, because reading
them runs nothing; everything else is read with `inspect.getattr_static` and kept
only when it is plain data. `inspect.signature` runs only on objects whose lookups
are known to be static; other callables get the signature of the function that
really answers (their `__init__` or `__call__`, found in class dicts), or none.

What looking cannot avoid (a default's or an annotation's `repr`, as pydoc also
shows them) goes through `guarded_repr`, which the worker process arms with a time
limit (`set_repr_guard`); in the core it only catches exceptions.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable, Mapping
from typing import Any

_TYPE_DICT: Any = type.__dict__["__dict__"]
_TYPE_MRO: Any = type.__dict__["__mro__"]
_TYPE_MODULE: Any = type.__dict__["__module__"]
_TYPE_QUALNAME: Any = type.__dict__["__qualname__"]
# Instances of these types keep `__doc__`, `__module__`, `__qualname__` in C slots.
C_SLOT_TYPES: tuple[type, ...] = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodDescriptorType,
    types.WrapperDescriptorType,
    types.ClassMethodDescriptorType,
    types.MethodWrapperType,
    types.GetSetDescriptorType,
    types.MemberDescriptorType,
    types.ModuleType,
    property,
    staticmethod,
    classmethod,
)
# Names whose presence in a metaclass or class makes `inspect.signature` run user code.
_LOOKUP_HOOKS = frozenset({"__getattr__", "__getattribute__", "__signature__", "__wrapped__"})
_UNWRAP_LIMIT = 100
REPR_LIMIT = 400

ReprGuard = Callable[[Callable[[], str]], str]
_guard: ReprGuard = lambda produce: produce()  # noqa: E731 - replaced by the worker


def is_a(value: Any, kinds: type | tuple[type, ...]) -> bool:
    """isinstance without its fallback to `value.__class__` (a lookup that can run code)."""
    return issubclass(type(value), kinds)


def class_dict(klass: type) -> Mapping[str, Any]:
    """A class's own namespace, read past any metaclass `__getattr__` or `__dict__` trick."""
    namespace: Mapping[str, Any] = _TYPE_DICT.__get__(klass)
    return namespace


def static_mro(klass: type) -> tuple[type, ...]:
    mro = _TYPE_MRO.__get__(klass)
    return mro if type(mro) is tuple else (klass,)


def exact_c_slots(value: Any) -> bool:
    """True when `value`'s type is one of the built-in types whose attributes are C slots."""
    return type(value) in C_SLOT_TYPES


def static_attribute(value: Any, name: str) -> Any:
    """`value.name` when reading it runs no code of the object's; None otherwise."""
    if is_a(value, type):
        for klass in static_mro(value):
            if name in class_dict(klass):
                return class_dict(klass)[name]
        return None
    if exact_c_slots(value):
        try:
            return getattr(value, name, None)
        except Exception:  # noqa: BLE001 - a slot that raises: nothing to show
            return None
    try:
        return inspect.getattr_static(value, name, None)
    except Exception:  # noqa: BLE001
        return None


def static_text(value: Any, name: str) -> str | None:
    """A string attribute (`__module__`, `__qualname__`), read statically, or None."""
    if is_a(value, type):
        getter = {"__module__": _TYPE_MODULE, "__qualname__": _TYPE_QUALNAME}.get(name)
        found = getter.__get__(value) if getter is not None else static_attribute(value, name)
    else:
        found = static_attribute(value, name)
    return found if is_a(found, str) else None


def set_repr_guard(guard: ReprGuard) -> None:
    """The worker's time limit around each repr it cannot avoid (see explorer.proc.worker)."""
    global _guard
    _guard = guard


def guarded_repr(value: Any, limit: int = REPR_LIMIT) -> str:
    """repr(value) under the process's guard; what raises or overruns is said, not raised."""
    try:
        text = _guard(lambda: repr(value))
    except Exception as exc:  # noqa: BLE001 - a hostile __repr__ is shown, not raised
        return f"<repr raised {type(exc).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Shown:
    """Stands in for a default or annotation inside a Signature: its repr is fixed text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def annotation_text(annotation: Any) -> str:
    if is_a(annotation, str):
        return str.__str__(annotation)  # `from __future__ import annotations`: no quotes
    if is_a(annotation, type):
        module, qualname = (
            static_text(annotation, "__module__"),
            static_text(annotation, "__qualname__"),
        )
        if qualname is None:
            return "<type>"
        return qualname if module in (None, "builtins") else f"{module}.{qualname}"
    return guarded_repr(annotation)


def shown_signature(signature: inspect.Signature) -> inspect.Signature:
    """The same signature with every default and annotation replaced by guarded text."""
    empty = inspect.Parameter.empty
    params = [
        param.replace(
            default=empty if param.default is empty else Shown(guarded_repr(param.default)),
            annotation=(
                empty if param.annotation is empty else Shown(annotation_text(param.annotation))
            ),
        )
        for param in signature.parameters.values()
    ]
    returns = signature.return_annotation
    return signature.replace(
        parameters=params,
        return_annotation=empty if returns is empty else Shown(annotation_text(returns)),
    )


# ---- signatures --------------------------------------------------------------------------


def safe_signature(obj: Any) -> inspect.Signature | None:
    """inspect.signature where it runs nothing of the object's; None when there is none."""
    try:
        target = _answering_function(obj)
        if target is None:
            return None
        signature = _declared_signature(target)
        if signature is None:
            signature = inspect.signature(target, follow_wrapped=False)
        bound = target is not obj and type(obj) not in C_SLOT_TYPES
        if bound and signature.parameters:
            # __init__(self, ...) or __call__(self, ...): the caller never passes self.
            signature = signature.replace(parameters=list(signature.parameters.values())[1:])
        return signature
    except (TypeError, ValueError, RecursionError):
        return None
    except Exception:  # noqa: BLE001 - signature machinery can trip over odd objects
        return None


def _answering_function(obj: Any) -> Any:
    """The object whose signature a reader means, found statically (or None)."""
    kind = type(obj)
    if kind is property:
        return _unwrapped(obj.fget)
    if kind in (staticmethod, classmethod):
        return _unwrapped(obj.__func__)
    if kind is functools.partial:
        return obj if _unwrapped(obj.func) is not None else None
    if kind in C_SLOT_TYPES:
        return _unwrapped(obj)
    if is_a(obj, type):
        return _class_signature_source(obj)
    call = _first_in_dicts(static_mro(kind), "__call__")
    if call is None or _has_hooks(kind):
        return None
    return _unwrapped(call)


def _unwrapped(function: Any) -> Any:
    """Follow `__wrapped__` through plain functions' own dicts (what functools.wraps sets)."""
    for _ in range(_UNWRAP_LIMIT):
        if type(function) is not types.FunctionType:
            break
        inner = function.__dict__.get("__wrapped__")
        if inner is None:
            break
        function = inner
    else:
        return None  # a __wrapped__ loop
    return function if type(function) in C_SLOT_TYPES else None


def _class_signature_source(klass: type) -> Any:
    """The class itself when inspect.signature may look at it, else its static __init__."""
    declared = _first_in_dicts(static_mro(klass), "__signature__")
    if is_a(declared, inspect.Signature):
        return klass
    if not _has_hooks(type(klass)) and declared is None:
        return klass  # a plain metaclass: inspect.signature reads class dicts only
    for name in ("__init__", "__new__"):
        found = _first_in_dicts(static_mro(klass)[:-1], name)  # object's own are no help
        if type(found) is types.FunctionType:
            return _unwrapped(found)
    return None


def _declared_signature(target: Any) -> inspect.Signature | None:
    if is_a(target, type):
        declared = _first_in_dicts(static_mro(target), "__signature__")
    elif type(target) is types.FunctionType:
        declared = target.__dict__.get("__signature__")
    else:
        declared = None
    return declared if is_a(declared, inspect.Signature) else None


def _has_hooks(klass: type) -> bool:
    """A class (or metaclass) whose attribute lookups can run Python code of its own."""
    return any(
        _LOOKUP_HOOKS & set(class_dict(base)) for base in static_mro(klass) if base not in
        (type, object)
    )  # fmt: skip


def _first_in_dicts(mro: tuple[type, ...], name: str) -> Any:
    for klass in mro:
        namespace = class_dict(klass)
        if name in namespace:
            return namespace[name]
    return None
