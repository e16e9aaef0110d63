"""The one exception type every layer uses for "tell the user, exit 2"."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input from the user: shown as one line, never as a traceback."""


def exception_text(exc: BaseException) -> str:
    """str(exc), or a stand-in when the exception's own __str__ raises (hostile code)."""
    try:
        return str(exc)
    except Exception as inner:  # noqa: BLE001
        return f"<str() of {type(exc).__name__} raised {type(inner).__name__}>"


def describe_error(exc: BaseException) -> str:
    """`Type: first line of the message`, safe for any exception."""
    lines = exception_text(exc).splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
