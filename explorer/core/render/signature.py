"""Signature lines for a given width: one line when it fits, else one parameter per line.

As IPython shows a long signature:

    class Multinomial(
        total_count: int = 1,
        probs: torch.Tensor | None = None,
    )
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

from explorer.core.model import Doc

INDENT = "    "


def _unquoted(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, char, bracket depth after it) for each character outside a string literal."""
    depth, quote = 0, ""
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            quote = "" if char == quote and text[index - 1] != "\\" else quote
            continue
        if char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        yield index, char, depth


def split_parameters(text: str) -> list[str]:
    """`a, b=(1, 2), c='x, y'` -> the three parameters (brackets and quotes respected)."""
    parts: list[str] = []
    start = 0
    for index, char, depth in _unquoted(text):
        if char == "," and depth == 0:
            parts.append(text[start:index].strip())
            start = index + 1
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def closing_paren(text: str, start: int = 0) -> int:
    """Index of the `)` matching the `(` at `start`, or -1 (quotes and brackets respected)."""
    for index, char, depth in _unquoted(text, start):
        if depth == 0 and char in ")]}":
            return index if char == ")" else -1
    return -1


def format_signature(prefix: str, signature: str, width: int | None = None) -> list[str]:
    """`prefix + signature` as lines no wider than `width` where one parameter per line
    can make them so (a single long parameter still overflows)."""
    line = prefix + signature
    if width is None or len(line) <= width or not signature.startswith("("):
        return [line]
    close = closing_paren(signature)
    if close < 0:
        return [line]
    parameters = split_parameters(signature[1:close])
    if not parameters:
        return [line]
    lines = [f"{prefix}("]
    for parameter in parameters:
        lines += _fold(f"{INDENT}{parameter},", width)
    return lines + _fold(signature[close:], width)


def _fold(line: str, width: int) -> list[str]:
    """A line longer than `width` broken at spaces, continued deeper; a word longer than
    the room left is broken too (a narrow view shows all of it, never cuts it off)."""
    if len(line) <= width:
        return [line]
    lead = line[: len(line) - len(line.lstrip())]
    for indent, break_words in ((lead + INDENT * 2, False), (lead + INDENT, True)):
        lines = textwrap.wrap(
            line, max(width, len(indent) + 8), initial_indent="", subsequent_indent=indent,
            break_long_words=break_words, break_on_hyphens=False, drop_whitespace=True,
        )  # fmt: skip
        if lines and all(len(folded) <= width for folded in lines):
            break
    return lines or [line]


def signature_lines(doc: Doc, width: int | None = None) -> list[str]:
    """Every signature of the doc (overloads one after another), `class ` before a class's."""
    if doc.signature is None:
        return []
    prefix = ("class " if doc.kind.is_class else "") + doc.name
    lines: list[str] = []
    for signature in doc.signature.split("\n"):
        if doc.kind.is_class:  # the `-> None` of __init__ says nothing about a class
            signature = signature.strip().removesuffix(" -> None")
        lines += format_signature(prefix, signature.strip(), width)
    return lines
