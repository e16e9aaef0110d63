"""Find the `>>>` examples in a docstring, wherever they stand.

xdoctest's parser does the parsing (torch writes its examples for xdoctest):
it splits a docstring into "parts", each a run of statements ending at an
expected output or a directive line. One part is one Example here. As in
xdoctest, a directive on a line of its own (`>>> # xdoctest: +SKIP`) stays in
force for the rest of the docstring; an inline one covers its own part.
All examples of one docstring are meant to share one namespace, in order.
"""

from __future__ import annotations

from xdoctest import parser as xparser

from explorer.core.model import Example


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


def extract_examples(docstring: str | None) -> list[Example]:
    """Examples in order, with expected output and the directives in force."""
    if not docstring or ">>>" not in docstring:
        return []
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
            if directive.inline:
                own = _apply(own, text)
            else:
                block_state = _apply(block_state, text)
                own = _apply(own, text)
        examples.append(
            Example(
                source=part.source,
                want=part.want or "",
                directives=own,
                lineno=part.line_offset,
            )
        )
    return examples


def is_skipped(example: Example) -> bool:
    return "+SKIP" in example.directives
