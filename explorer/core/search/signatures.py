"""A plain Python function's signature as text, read straight from its code object.

The index describes ~34,000 functions of an environment; `str(inspect.signature(f))`
builds a Parameter per argument and a validated Signature (twice when a parameter is
dropped or a string annotation unquoted), a third of the time spent describing. This
writes the same text directly: parameter kinds from the code flags, defaults from
`__defaults__`/`__kwdefaults__`, annotations formatted by `inspect.formatannotation`
(string annotations, from `from __future__ import annotations`, without quotes).
Anything unusual (a `__signature__` or `__text_signature__` of its own, an argument
name inspect would rename or refuse, defaults that do not fit or that are inspect's own
"empty" marker) answers None, and the caller asks inspect.
"""

from __future__ import annotations

import inspect
import keyword
import types
from typing import Any

_EMPTY = inspect.Parameter.empty
# Attributes that make inspect.signature answer differently from the code object.
_OWN_SIGNATURE = ("__signature__", "_partialmethod", "__text_signature__")
_VARARGS = inspect.CO_VARARGS
_VARKEYWORDS = inspect.CO_VARKEYWORDS


def function_signature(
    func: types.FunctionType, *, skip_first: bool = False, returns: bool = True
) -> str | None:
    """`(a, b: int = 1, *, c) -> str` as inspect would print it (without the first
    parameter when `skip_first`, without the return annotation unless `returns`), or None
    when only inspect can tell."""
    own = func.__dict__
    if own and any(name in own for name in _OWN_SIGNATURE):
        return None
    code = func.__code__
    annotations = func.__annotations__
    defaults = func.__defaults__ or ()
    kwdefaults = func.__kwdefaults__
    if not isinstance(annotations, dict) or not isinstance(defaults, tuple):
        return None
    if kwdefaults is not None and not isinstance(kwdefaults, dict):
        return None
    positional = code.co_argcount
    keyword_only = code.co_kwonlyargcount
    flags = code.co_flags
    count = positional + keyword_only + bool(flags & _VARARGS) + bool(flags & _VARKEYWORDS)
    names = code.co_varnames[:count]
    if len(defaults) > positional or not all(map(_plain_name, names)):
        return None
    if any(value is _EMPTY for value in (*defaults, *(kwdefaults or {}).values())):
        return None  # a default that *is* inspect's "no default" (inspect refuses the order)
    first_default = positional - len(defaults)
    parts = [
        _parameter(name, annotations, defaults[index - first_default]
                   if index >= first_default else _EMPTY)
        for index, name in enumerate(names[:positional])
    ]  # fmt: skip
    after = positional + keyword_only
    star = ""
    if flags & _VARARGS:
        star = "*" + _parameter(names[after], annotations, _EMPTY)
        after += 1
    kwonly = [
        _parameter(name, annotations, (kwdefaults or {}).get(name, _EMPTY))
        for name in names[positional : positional + keyword_only]
    ]
    starstar = "**" + _parameter(names[after], annotations, _EMPTY) if flags & _VARKEYWORDS else ""
    signature = _joined(parts, code.co_posonlyargcount, star, kwonly, starstar, skip_first)
    return signature + _returned(annotations) if returns else signature


def _plain_name(name: str) -> bool:
    """A name inspect.Parameter keeps as it is (not a comprehension's `.0`, not a keyword)."""
    return name.isidentifier() and not keyword.iskeyword(name)


def _parameter(name: str, annotations: dict[str, Any], default: Any) -> str:
    """`name: annotation = default` as inspect.Parameter prints it (a long default shortened:
    see `default_text`)."""
    annotation = annotations.get(name, _EMPTY)
    if annotation is _EMPTY:
        return name if default is _EMPTY else f"{name}={default_text(default)}"
    text = f"{name}: {_annotation(annotation)}"
    return text if default is _EMPTY else f"{text} = {default_text(default)}"


def default_text(default: Any) -> str:
    """A default's repr, or `<environ …>` when it is longer than DEFAULT_CHARS: a default
    bound to `os.environ` or `sys.argv` would write the indexing process's environment
    (tokens included) into the index file."""
    text = repr(default)
    return text if len(text) <= DEFAULT_CHARS else f"<{type(default).__name__} …>"


DEFAULT_CHARS = 80


def _annotation(annotation: Any) -> str:
    return annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)


def _returned(annotations: dict[str, Any]) -> str:
    annotation = annotations.get("return", _EMPTY)
    return "" if annotation is _EMPTY else f" -> {_annotation(annotation)}"


def _joined(
    positional: list[str], posonly: int, star: str, kwonly: list[str], starstar: str,
    skip_first: bool,
) -> str:  # fmt: skip
    """The parameters in order with inspect's `/` and `*` markers, the first one dropped
    when `skip_first` (a bound method: the instance fills it)."""
    parts: list[tuple[str, str]] = [  # (text, kind)
        *((text, "posonly" if index < posonly else "") for index, text in enumerate(positional)),
        *([(star, "star")] if star else []),
        *((text, "kwonly") for text in kwonly),
        *([(starstar, "")] if starstar else []),
    ]
    if skip_first:
        parts = parts[1:]
    result: list[str] = []
    slash = False  # positional-only parameters were written: a `/` follows them
    starred = False  # `*args` or a bare `*` already stands before the keyword-only ones
    for text, kind in parts:
        if kind == "posonly":
            slash = True
        elif slash:
            result.append("/")
            slash = False
        if kind == "star":
            starred = True
        elif kind == "kwonly" and not starred:
            result.append("*")
            starred = True
        result.append(text)
    if slash:
        result.append("/")
    return f"({', '.join(result)})"
