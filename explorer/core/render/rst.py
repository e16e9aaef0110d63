"""A docstring fragment (reST) -> blocks, with docutils, the reference parser.

Only the parser runs (no transforms, no writer), with file insertion and raw
output off. The work per fragment is capped: text over the size limit, or
inline markup that would cost more than the work budget (docutils is
quadratic on some unbalanced markup), is shown as written with the reason,
as is a fragment that trips docutils itself. `doctree.py` turns docutils' tree
into blocks (with `sphinx.py` for the Sphinx-only directives docutils reports
as unknown).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser, states
from docutils.utils import new_document

from explorer import settings
from explorer.core.links import table_lines
from explorer.core.render.blocks import (
    Block,
    Paragraph,
    Remark,
    Span,
    SpanKind,
    Verbatim,
)
from explorer.core.render.doctree import Converter
from explorer.core.render.safe import surrogate_safe

# Text that reST would read as plain paragraphs: no inline markup characters,
# no indentation, no line that could open a list, table, field or directive.
_MARKUP = re.compile(r"[`*|\\_<>\[\]]|::|^[ \t]|^\s*(?:[-+•#:.=>(]|\d+[.)])", re.MULTILINE)


class OverBudget(Exception):
    """The fragment needs more inline parsing than a docstring is allowed."""


class _Budget:
    """Characters of inline scanning left for the docstring being rendered."""

    remaining = 0
    scopes = 0  # open `one_docstring` scopes: their fragments share one budget

    def charge(self, work: int) -> None:
        self.remaining -= work
        if self.remaining < 0:
            raise OverBudget


def _charged_inliner(budget: _Budget) -> states.Inliner:
    """docutils' inline parser, charged for the text it scans.

    The instance is patched rather than subclassed: `Inliner.init_customizations`
    reads its regex parts from `vars(self.__class__)`.
    """
    inliner = states.Inliner()
    parse, customize = inliner.parse, inliner.init_customizations

    def charged(method: Callable[..., Any]) -> Callable[..., Any]:
        def run(this: Any, match: re.Match[str], lineno: int) -> Any:
            budget.charge(len(match.string) - match.start())
            return method(this, match, lineno)

        return run

    def charged_parse(text: str, lineno: int, memo: Any, parent: Any) -> Any:
        budget.charge(len(text) + 100)  # 100: what starting a nested parse costs, roughly
        return parse(text, lineno, memo, parent)

    def customize_once(options: Any) -> None:
        if not hasattr(inliner, "patterns"):  # the patterns depend only on our fixed settings
            customize(options)

    inliner.dispatch = {key: charged(method) for key, method in states.Inliner.dispatch.items()}
    setattr(inliner, "parse", charged_parse)  # noqa: B010 - an instance override
    setattr(inliner, "init_customizations", customize_once)  # noqa: B010
    return inliner


@cache
def _parser() -> tuple[Parser, _Budget, Any]:
    budget = _Budget()
    options = get_default_settings(Parser)
    options.report_level = 5  # keep every message in the tree, print none
    options.halt_level = 5  # and never raise for one
    options.file_insertion_enabled = False  # `.. include:: /etc/passwd` stays text
    options.raw_enabled = False
    options.syntax_highlight = "none"
    options.line_length_limit = settings.DOC_FORMAT_MAX_CHARS
    return Parser(inliner=_charged_inliner(budget)), budget, options


@contextlib.contextmanager
def one_docstring() -> Iterator[None]:
    """Every fragment parsed inside (description, parameters, notes ...) draws on one
    work budget: a docstring costs at most that, however many fragments it has."""
    _, budget, _ = _parser()
    if not budget.scopes:
        budget.remaining = settings.DOC_FORMAT_WORK
    budget.scopes += 1
    try:
        yield
    finally:
        budget.scopes -= 1


def parse_blocks(text: str) -> tuple[Block, ...]:
    """The blocks of one reST fragment; never raises, never takes long."""
    text = surrogate_safe(text).strip("\n")
    if not text.strip():
        return ()
    if len(text) > settings.DOC_FORMAT_MAX_CHARS:
        return (Verbatim(text, f"too long to format ({len(text):,} characters)"),)
    if not _MARKUP.search(text):
        return _plain_paragraphs(text)
    with one_docstring():
        return _parse_rst(_loosen_literals(text))


# ``x`` glued to a word (`default=``False``s`) is not markup to docutils; the author
# meant a literal. An escaped space (`\ `, which reST drops) makes it one.
_OPENING = "([{<'\"/:-\\"
_CLOSING = ")]}>'\".,;:!?/-\\"


def _loosen_literals(text: str) -> str:
    """Per paragraph whose ``literals`` pair up (tables left alone: columns must stay)."""
    paragraphs = re.split(r"(\n[ \t]*\n)", text)
    for index in range(0, len(paragraphs), 2):
        paragraph = paragraphs[index]
        parts = paragraph.split("``")
        if len(parts) < 3 or len(parts) % 2 == 0 or _verbatim(paragraph):
            continue
        for odd in range(1, len(parts), 2):
            before, after = parts[odd - 1], parts[odd + 1]
            if before and not before[-1].isspace() and before[-1] not in _OPENING:
                parts[odd - 1] = before + "\\ "
            if after and not after[0].isspace() and after[0] not in _CLOSING:
                parts[odd + 1] = "\\ " + after
        paragraphs[index] = "``".join(parts)
    return "".join(paragraphs)


def _verbatim(paragraph: str) -> bool:
    """A table, an indented (literal) block or a doctest: characters that must stay put."""
    stripped = paragraph.lstrip("\n")
    return (stripped[:1].isspace() or stripped.startswith(">>>")
            or bool(table_lines(paragraph.split("\n"))))  # fmt: skip


def _plain_paragraphs(text: str) -> tuple[Block, ...]:
    paragraphs = re.split(r"\n\s*\n", text)
    return tuple(Paragraph((Span(SpanKind.TEXT, " ".join(p.split())),)) for p in paragraphs)


def _parse_rst(text: str) -> tuple[Block, ...]:
    parser, budget, options = _parser()
    if budget.remaining <= 0:
        return (Verbatim(text, "too much markup to format"),)
    document = new_document("<docstring>", options)
    try:
        parser.parse(text, document)
        _number_footnotes(document)
        _resolve_named_links(document)
        converter = Converter(_nested)
        blocks = tuple(converter.blocks(document))
        return blocks + tuple(Remark(remark) for remark in converter.remarks)
    except OverBudget:
        return (Verbatim(text, "too much markup to format"),)
    except RecursionError:
        return (Verbatim(text, "nested too deeply to format"),)
    except Exception as exc:  # noqa: BLE001 - docutils on hostile text: show it as written
        return (Verbatim(text, f"reST parser failed: {type(exc).__name__}"),)


def _nested(text: str) -> tuple[Block, ...]:
    """A Sphinx directive's content, parsed with what is left of the budget."""
    return _parse_rst(text) if text.strip() else ()


def _resolve_named_links(document: nodes.document) -> None:
    """`see reference_` with `.. _reference: https://...` below: the link gets its URL."""
    urls: dict[str, str] = {}
    for target in document.findall(nodes.target):
        names: list[str] = target.get("names", [])
        for name in names:
            if target.get("refuri"):
                urls[name] = str(target["refuri"])
    for reference in document.findall(nodes.reference):
        name = reference.get("refname")
        if name in urls and not reference.get("refuri"):
            reference["refuri"] = urls[name]


def _number_footnotes(document: nodes.document) -> None:
    """`[#]_` and `.. [#]` numbered in order, `[*]_` as `*` (docutils' transform would)."""
    for kind in (nodes.footnote_reference, nodes.footnote):
        for number, node in enumerate((n for n in document.findall(kind) if n.get("auto")), 1):
            label = "*" if node.get("auto") == "*" else str(number)
            if kind is nodes.footnote:
                node.insert(0, nodes.label("", label))
            else:
                node.children = [nodes.Text(label)]
