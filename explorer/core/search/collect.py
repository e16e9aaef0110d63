"""Collect search-index entries from one imported module, without running anything in it.

`entries_for_module(name)` returns plain dicts (JSON-ready) for the module itself,
each public member and each public member of its classes (their own and those
inherited from bases of the same package). Values are looked up with
`inspect.getattr_static` and C-level slots, so properties, `__getattr__` hooks and
descriptors never run; whatever raises while looking is skipped for that one
name. Each entry carries `key`, the defining path (`module.qualname`), so the
builder can keep one entry per object and prefer its shortest public path
(torch.distributions.Multinomial over torch.distributions.multinomial.Multinomial).
"""

from __future__ import annotations

import inspect
import sys
import types
from collections.abc import Iterator
from typing import Any

from explorer.core.links import plain_text
from explorer.core.model import Kind
from explorer.core.objects import class_dict, classify, first_sentence, split_signature_line

DOC_LIMIT = 40_000  # characters of docstring kept: the whole of all but a handful (Doc tab, search)
SUMMARY_LIMIT = 160
_TYPE_MODULE = type.__dict__["__module__"]
_TYPE_QUALNAME = type.__dict__["__qualname__"]
_TYPE_MRO = type.__dict__["__mro__"]
_MODULE_DICT: Any = vars(types.ModuleType)["__dict__"]
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
# A first docstring line like "multinomial(input, num_samples) -> LongTensor" (torch builtins).


# Defining paths (and class-member origins, with summary and signature) already described.
Seen = dict[str, tuple[str, str]]


def is_public(name: object) -> bool:
    return isinstance(name, str) and bool(name) and not name.startswith("_")


def entries_for_module(module_name: str, seen: Seen | None = None) -> list[dict[str, Any]]:
    """Entries for an already-imported module (imported here if it is not yet).

    `seen` (defining paths already described, shared across calls by a builder
    that walks many modules) lets each class and docstring be described once:
    a later sighting of a class or function is a light alias entry
    `{"name", "key", "alias": True}`, of a class member's function an entry
    without docstring text.
    """
    module = sys.modules.get(module_name)
    if module is None:
        import importlib

        module = importlib.import_module(module_name)
    seen = {} if seen is None else seen
    root = module_name.split(".", 1)[0]
    try:
        entries = [_module_entry(module_name, module)]
    except Exception:  # noqa: BLE001 - a module whose docstring cannot be read is still indexed
        entries = [_entry(module_name, "module", module_name, "", "", module_name)]
    for name, value in _public_members(module, root):
        try:
            entries.extend(_describe(f"{module_name}.{name}", value, module_name, seen))
        except Exception:  # noqa: BLE001, S112 - a hostile object costs its own entry, nothing more
            continue
    return entries


def _module_entry(name: str, module: Any) -> dict[str, Any]:
    doc = _doc_of(module)
    return _entry(name, "module", name, "", doc, name)


def _entry(
    name: str, kind: str, key: str, signature: str, doc: str, defined_in: str | None
) -> dict[str, Any]:
    return {
        "name": name,
        "kind": kind,
        "key": key,
        "signature": signature,
        "summary": summary_of(doc),
        "doc": doc[:DOC_LIMIT],
        "defined_in": defined_in,
    }


def _public_members(module: Any, root: str) -> Iterator[tuple[str, Any]]:
    """The names a reader of `module` would call its API.

    `__all__` when the module declares it; otherwise the public names whose
    value comes from the same top-level package, so `from typing import Any`
    does not make `torch.nn.modules.linear.Any` a search hit.
    """
    namespace = _MODULE_DICT.__get__(module)
    exported = namespace.get("__all__")
    names: list[str] | None = None
    if isinstance(exported, list | tuple):
        names = [name for name in exported if isinstance(name, str) and is_public(name)]
    for name in names if names is not None else list(namespace):
        if not is_public(name) or name not in namespace:
            continue
        value = namespace[name]
        if isinstance(value, types.ModuleType):
            continue  # submodules get their own entry from the package walk
        if names is None and not _belongs_to(value, root):
            continue
        yield name, value


def _belongs_to(value: Any, root: str) -> bool:
    home = _home_module(value)
    if home is None:
        home = _home_module(type(value))  # data: an instance of one of the package's types
    return home is not None and (home == root or home.startswith(root + "."))


def _home_module(value: Any) -> str | None:
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


def _describe(name: str, value: Any, module_name: str, seen: Seen) -> list[dict[str, Any]]:
    kind = classify(value)
    key = _defining_path(value, kind) or name
    if key in seen:
        return [{"name": name, "key": key, "alias": True}]
    seen[key] = ("", "")
    doc = "" if kind == "data" else _doc_of(value)
    home = _home_module(value) if kind != "data" else module_name
    entry = _entry(name, kind, key, _signature_of(value, kind, doc), doc, home)
    if not kind.is_class:
        return [entry]
    return [entry, *_class_members(name, key, value, seen)]


def _defining_path(value: Any, kind: str) -> str | None:
    """`module.qualname` of a class or function: the same object seen twice has one key."""
    if kind in ("data", "module", "property", "descriptor"):
        return None
    module = _home_module(value)
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


def _class_members(
    class_name: str, class_key: str, klass: type, seen: Seen
) -> Iterator[dict[str, Any]]:
    """Public members of the class, own and inherited from bases of the same package.

    Every member gets its own dotted name (Multinomial.sample as well as
    Distribution.sample); `origin` names the function that really answers, so the
    builder keeps its docstring once and a query shows it once.
    """
    root = (_home_module(klass) or "").split(".", 1)[0]
    done: set[str] = set()
    mro = _static_mro(klass)
    for position, base in enumerate(mro):
        home = _home_module(base)
        if home is None or not (home == root or home.startswith(root + ".")):
            continue  # object, dict, Enum...: their members are not this package's API
        try:
            namespace = dict(class_dict(base))
        except Exception:  # noqa: BLE001, S112
            continue
        for member, value in namespace.items():
            if not isinstance(member, str) or not is_public(member) or member in done:
                continue
            done.add(member)
            # Inherited values that name no function of their own (data, pybind methods)
            # are grouped by the base class that holds them.
            owner = None if base is klass else _defining_path(base, "class")
            entry = _member_entry(
                f"{class_name}.{member}", f"{class_key}.{member}", value, seen,
                mro[position + 1 :], f"{owner}.{member}" if owner else None,
            )  # fmt: skip
            if entry is not None:
                entry["parent"] = class_key
                entry["defined_in"] = home
                if base is not klass:
                    entry["inherited_from"] = _defining_path(base, "class")
                yield entry


def _inherit_doc(entry: dict[str, Any], member: str, bases: tuple[type, ...]) -> None:
    """An override without a docstring reads its base's, as `inspect.getdoc` does."""
    for base in bases:
        value = class_dict(base).get(member)
        if value is not None and classify(value, in_class=True) != "data":
            # (plain data's "docstring" would be its type's: bool's, for `has_rsample = False`)
            doc = _doc_of(value)
            if doc:
                entry["doc"] = doc[:DOC_LIMIT]
                entry["summary"] = summary_of(doc)
                return


def _static_mro(klass: type) -> tuple[type, ...]:
    mro = _TYPE_MRO.__get__(klass)
    return mro if isinstance(mro, tuple) else (klass,)


def _member_entry(
    name: str, key: str, value: Any, seen: Seen, bases: tuple[type, ...], inherited: str | None
) -> dict[str, Any] | None:
    try:
        kind = classify(value, in_class=True)
        if kind.opens:
            return None  # nested classes are rare in APIs and would need their own walk
        origin = _origin_of(value) or inherited
        if origin is not None and origin in seen:
            # Described already (inherited by another class): the docstring text travels
            # once per process, and the builder moves it to the entry it shows.
            summary, signature = seen[origin]
            entry = _entry(name, kind, key, signature, "", None)
            entry["summary"] = summary
        else:
            doc = "" if kind == "data" else _doc_of(value)
            entry = _entry(name, kind, key, _signature_of(value, kind, doc), doc, None)
            if not doc and kind != "data":
                _inherit_doc(entry, name.rsplit(".", 1)[-1], bases)
            if origin is not None:
                seen[origin] = (entry["summary"], entry["signature"])
    except Exception:  # noqa: BLE001 - skip one hostile member, keep the rest
        return None
    if origin is not None:
        entry["origin"] = origin
    return entry


def _origin_of(value: Any) -> str | None:
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
        home = _home_module(objclass)
        return f"{home}.{_TYPE_QUALNAME.__get__(objclass)}.{name}"
    return None


def _doc_of(value: Any) -> str:
    """The object's own docstring, read statically; "" when there is none."""
    if isinstance(value, type):
        doc = class_dict(value).get("__doc__")
    elif isinstance(value, staticmethod | classmethod):
        doc = _doc_of(value.__func__)
    elif type(value) in _SAFE_DOC_TYPES:  # exactly: a subclass could make __doc__ a property
        doc = value.__doc__
    else:
        # Other descriptors and callables: a docstring in the instance or class dict.
        doc = inspect.getattr_static(value, "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc else ""


def summary_of(doc: str) -> str:
    """The first sentence, roles as plain words, capped for the index."""
    summary = plain_text(first_sentence(doc))
    return summary if len(summary) <= SUMMARY_LIMIT else summary[: SUMMARY_LIMIT - 1] + "…"


def _signature_of(value: Any, kind: Kind, doc: str) -> str:
    if kind in ("data", "property", "descriptor"):
        return ""
    func = value.__func__ if isinstance(value, staticmethod | classmethod) else value
    if kind.is_class and isinstance(func, type):
        return _init_signature(func)
    text = getattr(func, "__text_signature__", None) if type(func) in _SAFE_DOC_TYPES else None
    if isinstance(text, str) and text:
        return text.replace("$", "")
    if isinstance(func, types.FunctionType):
        try:
            return str(_unquoted(inspect.signature(func, follow_wrapped=False)))
        except (TypeError, ValueError):
            return ""
    return split_signature_line(doc)[0] or ""


class _Annotation(str):
    """A string annotation (from `from __future__ import annotations`) shown without quotes."""

    def __repr__(self) -> str:
        return str(self)


def _unquoted(signature: inspect.Signature) -> inspect.Signature:
    empty = inspect.Parameter.empty
    params = [
        param.replace(annotation=_Annotation(param.annotation))
        if isinstance(param.annotation, str) else param
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
        try:
            params = list(inspect.signature(init, follow_wrapped=False).parameters.values())
        except (TypeError, ValueError):
            return ""
        return str(_unquoted(inspect.Signature(params[1:])))
    return ""
