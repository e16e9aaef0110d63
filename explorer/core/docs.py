"""Everything `--doc`, `--help-text` and `--source` show about one object.

A Doc is read from the live object here and built by `explorer.core.doc_text`
(which the UI's first paint from the search index shares).
"""

from __future__ import annotations

import inspect
import pydoc
from typing import Any

from explorer.core.doc_text import DocInputs, build_doc
from explorer.core.errors import exception_text
from explorer.core.model import Doc, Kind, Source
from explorer.core.objects import classify, defined_in, is_class
from explorer.core.objects import get_doc as docstring_of
from explorer.core.render.safe import surrogate_safe
from explorer.core.resolve import Resolved, resolve
from explorer.core.static import safe_signature, shown_signature


def _underlying_function(obj: Any) -> Any:
    """The function behind a property or a class/static method (for signature and source)."""
    if issubclass(type(obj), property):
        return obj.fget
    if issubclass(type(obj), staticmethod | classmethod):
        return obj.__func__
    return obj


def signature_of(obj: Any) -> inspect.Signature | None:
    """The signature a reader means, found without running the object's code; its
    defaults and annotations already turned into (guarded) text."""
    signature = safe_signature(obj)
    return shown_signature(signature) if signature is not None else None


def _read_docstring(obj: Any, owner: type | None, name: str) -> tuple[str, str | None]:
    """(the cleaned docstring, why there is none to read)."""
    try:
        return surrogate_safe(docstring_of(obj, owner=owner, name=name)), None
    except Exception as exc:  # noqa: BLE001 - a non-string or hostile __doc__
        return "", exception_text(exc) or type(exc).__name__


def doc_of(resolved: Resolved) -> Doc:
    obj, name = resolved.obj, resolved.target.rsplit(".", 1)[-1]
    owner = resolved.parent if is_class(resolved.parent) else None
    raw, unreadable = _read_docstring(obj, owner, name)
    return build_doc(
        DocInputs(
            qualname=resolved.target,
            kind=classify(obj, in_class=owner is not None),
            raw=raw,
            signature=signature_of(obj),
            is_class=is_class(obj),
            defined_in=defined_in(obj),
            unreadable=unreadable,
        )
    )


def get_doc(target: str) -> Doc:
    return doc_of(resolve(target))


def help_text(target: str) -> str:
    """Exactly what `help(obj)` prints when stdout is not a terminal."""
    obj = resolve(target).obj
    return pydoc.plain(pydoc.render_doc(obj, title="Help on %s:"))


def get_source(target: str) -> Source:
    obj = _underlying_function(resolve(target).obj)
    try:
        lines, line = inspect.getsourcelines(obj)
        file = inspect.getsourcefile(obj) or inspect.getfile(obj)
    except (TypeError, OSError) as exc:
        return Source(qualname=target, error=f"no source for {target}: {_why_no_source(obj, exc)}")
    return Source(qualname=target, file=file, line=max(line, 1), text="".join(lines))


def _why_no_source(obj: Any, exc: Exception) -> str:
    kind = classify(obj)
    if kind in (Kind.BUILTIN, Kind.METHOD) or inspect.isbuiltin(obj):
        return "it is built in (implemented in C)"
    if kind == Kind.DATA:
        return f"it is a value of type {type(obj).__qualname__}, not code"
    return exception_text(exc) or type(exc).__name__
