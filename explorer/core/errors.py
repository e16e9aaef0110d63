"""The one exception type every layer uses for "tell the user, exit 2"."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input from the user: shown as one line, never as a traceback."""
