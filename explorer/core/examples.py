"""Find the `>>>` examples in a docstring, wherever they stand.

xdoctest's parser does the parsing (torch writes its examples for xdoctest).
One Example is a run of consecutive `>>>` statements up to and including the
one whose expected output follows (or the end of the run). As in
xdoctest, a directive on a line of its own (`>>> # xdoctest: +SKIP`) stays in
force for the rest of the docstring; an inline one covers its own part.
All examples of one docstring are meant to share one namespace, in order.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from explorer.core.model import Example

_DIRECTIVE_LINE = re.compile(r"\s*#\s*x?doctest\s*:", re.IGNORECASE)


def _directive_text(directive: object) -> str:
    sign = "+" if getattr(directive, "positive", True) else "-"
    name = str(getattr(directive, "name", ""))
    args = getattr(directive, "args", None) or []
    if name == "REQUIRES" and args:
        return f"{sign}{name}({', '.join(map(str, args))})"
    return f"{sign}{name}"


def _apply(state: list[str], directive: str) -> list[str]:
    """Add a directive, replacing an earlier one of the same name (last one wins)."""
    name = directive[1:]
    return [d for d in state if d[1:] != name] + [directive]


def xdoctest_parts(docstring: str | None) -> list[Example]:
    """One Example per xdoctest part, each with the directives in force for it.

    This is the unit xdoctest checks output against (the batch runner's).
    """
    if not docstring or ">>>" not in docstring:
        return []
    from xdoctest import parser as xparser  # ~20 ms: paid where examples are parsed, only

    try:
        parts = xparser.DoctestParser().parse(docstring)
    except Exception:  # noqa: BLE001 - a malformed example block is just not an example
        return []
    examples: list[Example] = []
    block_state: list[str] = []
    for part in parts:
        if isinstance(part, str) or not getattr(part, "source", "").strip():
            continue
        own: list[str] = list(block_state)
        for directive in part.directives:
            text = _directive_text(directive)
            if not directive.inline:
                block_state = _apply(block_state, text)
            own = _apply(own, text)
        examples.append(Example(part.source, part.want or "", tuple(own), part.line_offset))
    return examples


def extract_examples(docstring: str | None) -> list[Example]:
    """Examples as a reader sees them: each run of statements with its expected output."""
    examples: list[Example] = []
    pending: Example | None = None  # statements without output, waiting for the next part
    for current in xdoctest_parts(docstring):
        if pending is not None and _follows(pending, current):
            current = Example(
                f"{pending.source}\n{current.source}",
                current.want,
                _merge_directives(pending.directives, current.directives),
                pending.lineno,
            )
        elif pending is not None:
            examples.append(pending)
        pending = None
        if current.want:
            examples.append(current)
        else:
            pending = current
    if pending is not None:
        examples.append(pending)
    return examples


def _follows(first: Example, second: Example) -> bool:
    """xdoctest splits a run of `>>>` lines at every expression; we keep runs whole.

    A part that opens with a directive line starts a new example: the directive
    covers what follows it, never the statements before it (torch's Uniform).
    """
    if _DIRECTIVE_LINE.match(second.source):
        return False
    return first.lineno + len(first.source.splitlines()) == second.lineno


def _merge_directives(first: Sequence[str], second: Sequence[str]) -> tuple[str, ...]:
    merged = list(first)
    for directive in second:
        merged = _apply(merged, directive)
    return tuple(merged)


def is_skipped(example: Example) -> bool:
    return "+SKIP" in example.directives


def is_comment_only(source: str) -> bool:
    """True when the code holds nothing but comments and blank lines: running it
    proves nothing, so it is skipped rather than counted as passed."""
    if not source.strip():
        return True
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False  # broken code is worth running: the error is the answer
    return not tree.body


def doctest_text(source: str) -> str:
    """The example as a doctest session shows it: `>>> ` where a statement starts, `... `
    on the lines that continue one (found with the parser, so a closing bracket or a
    string's second line is a continuation, and a blank line inside a block too)."""
    lines = source.rstrip("\n").split("\n")
    starts = _statement_starts(source)
    return "\n".join(
        (">>> " if index in starts else "... ") + line for index, line in enumerate(lines)
    )


def _statement_starts(source: str) -> set[int]:
    """0-based lines that open a prompt: where a top-level statement (or its first
    decorator) begins, and comment lines between statements."""
    lines = source.split("\n")
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        # Not Python on its own (a fragment): indentation is the best guess left.
        return {i for i, line in enumerate(lines) if not i or not line[:1].isspace()}
    starts: set[int] = set()
    inside: set[int] = set()
    for node in tree.body:
        decorators = getattr(node, "decorator_list", [])
        first = min([node.lineno, *(d.lineno for d in decorators)]) - 1
        starts.add(first)
        inside.update(range(first + 1, (node.end_lineno or node.lineno)))
    starts.update(i for i in range(len(lines)) if i not in inside and lines[i].strip())
    return starts or {0}
