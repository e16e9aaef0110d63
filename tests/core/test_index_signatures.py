"""The index's own signature text for plain functions: exactly what inspect prints."""

from __future__ import annotations

import inspect
import json
import textwrap
import types
from collections.abc import Callable
from typing import Any

import pytest

from explorer.core.search.describe import _unquoted
from explorer.core.search.signatures import function_signature

_SOURCE = """
from __future__ import annotations
import typing

def plain(a, b, c=1, *args, d, e=None, **kwargs): pass
def annotated(a: int, b: "list[str]" = (), *, c: typing.Optional[dict] = None) -> bool: pass
def only_positional(a, b=2, /, c=3, *, d): pass
def only_positional_all(a, b, /): pass
def keyword_only(*, a, b=1): pass
def star_then_keywords(*args: int, key: str = "x") -> None: pass
def nothing(): pass
def lone_kwargs(**options: float) -> typing.Any: pass
def defaults_of_all_kinds(a=[1, 2], b={"k": (1, 2)}, c=len, d=object, e=1.5, f=-0.0): pass
"""


def _functions() -> list[types.FunctionType]:
    namespace: dict[str, Any] = {}
    exec(compile(textwrap.dedent(_SOURCE), "sample", "exec"), namespace)  # noqa: S102 - fixed source
    made = [value for value in namespace.values() if isinstance(value, types.FunctionType)]
    return [*made, json.dumps, textwrap.indent, inspect.getsource, pytest.approx]


def _inspect_text(func: Callable[..., Any], skip_first: bool, returns: bool) -> str:
    """What the index printed before (explorer.core.search.describe, through inspect)."""
    signature = inspect.signature(func, follow_wrapped=False)
    params = list(signature.parameters.values())[1:] if skip_first else None
    if not returns:
        return str(_unquoted(inspect.Signature(params)))
    if params is not None:
        signature = signature.replace(parameters=params)
    return str(_unquoted(signature))


@pytest.mark.parametrize("func", _functions(), ids=lambda func: func.__name__)
@pytest.mark.parametrize(("skip_first", "returns"), [(False, True), (True, True), (True, False)])
def test_the_text_is_what_inspect_prints(
    func: types.FunctionType, skip_first: bool, returns: bool
) -> None:
    assert function_signature(func, skip_first=skip_first, returns=returns) == _inspect_text(
        func, skip_first, returns
    )


def test_unusual_functions_are_left_to_inspect() -> None:
    def explicit(a, b):  # type: ignore[no-untyped-def]
        pass

    explicit.__signature__ = inspect.Signature()  # type: ignore[attr-defined]
    assert function_signature(explicit) is None

    def empty_marker(a=None, b=inspect.Parameter.empty):  # type: ignore[no-untyped-def]
        pass  # inspect reads `b` as having no default after one that has: it refuses

    assert function_signature(empty_marker) is None


def test_a_long_default_is_not_written_into_the_index() -> None:
    """`cgi.test(environ=os.environ)`: the indexing process's environment, tokens included."""
    import os

    from explorer.core.model import Kind
    from explorer.core.search.describe import signature_of

    secret = {"API_TOKEN": "s3cr3t" * 20}

    def serve(environ=secret, port: int = 80): ...  # type: ignore[no-untyped-def]

    def wrapped(environ=os.environ): ...  # type: ignore[no-untyped-def]

    wrapped.__signature__ = inspect.signature(wrapped)  # type: ignore[attr-defined]  # inspect's path
    for func in (serve, wrapped):
        text = signature_of(func, Kind.FUNCTION, "")
        assert "s3cr3t" not in text and "PATH" not in text
        assert text.startswith("(environ=<")
    assert signature_of(serve, Kind.FUNCTION, "") == "(environ=<dict …>, port: int = 80)"
