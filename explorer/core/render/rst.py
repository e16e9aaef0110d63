"""A docstring fragment (reST) -> blocks, with docutils, the reference parser.

Only the parser runs (no transforms, no writer), with file insertion and raw
output off. The work per fragment is capped: text over the size limit, or
inline markup that would cost more than the work budget (docutils is
quadratic on some unbalanced markup), is shown as written with the reason,
as is a fragment that trips docutils itself. Sphinx-only directives and roles
(docutils reports them as unknown) are read by `sphinx.py`.
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
from explorer.core.render import sphinx
from explorer.core.render.blocks import (
    Admonition,
    Block,
    Code,
    Definitions,
    Heading,
    Inline,
    ListBlock,
    MathBlock,
    Paragraph,
    Quote,
    Remark,
    Span,
    SpanKind,
    Table,
    Verbatim,
)
from explorer.core.render.math import to_unicode
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
        converter = _Converter()
        blocks = tuple(converter.blocks(document))
        return blocks + tuple(Remark(remark) for remark in converter.remarks)
    except OverBudget:
        return (Verbatim(text, "too much markup to format"),)
    except RecursionError:
        return (Verbatim(text, "nested too deeply to format"),)
    except Exception as exc:  # noqa: BLE001 - docutils on hostile text: show it as written
        return (Verbatim(text, f"reST parser failed: {type(exc).__name__}"),)


# docutils' warnings about markup it then shows as written: worth a word to the reader.
_DISABLED = re.compile(r'"(?P<name>[\w-]+)" directive disabled')
_UNBALANCED = re.compile(r"Inline (?:interpreted text or phrase reference|literal) start-string")


class _Converter:
    """docutils doctree -> blocks."""

    def __init__(self) -> None:
        self.remarks: list[str] = []

    def blocks(self, parent: nodes.Element) -> Iterator[Block]:
        for child in parent.children:
            yield from self.block(child)

    def block(self, node: nodes.Node) -> Iterator[Block]:
        handler = _BLOCK_HANDLERS.get(type(node).__name__)
        if handler is not None:
            yield from handler(self, node)
        elif isinstance(node, nodes.Admonition):
            yield from self.admonition(node)
        elif isinstance(node, nodes.Invisible | nodes.Special):
            return
        elif isinstance(node, nodes.Element) and _has_body(node):
            yield from self.blocks(node)
        else:
            spans = inline(node)
            if spans:
                yield Paragraph(spans)

    def paragraph(self, node: nodes.Node) -> Iterator[Block]:
        spans = inline(node)
        if spans:
            yield Paragraph(spans)

    def literal(self, node: nodes.Node) -> Iterator[Block]:
        assert isinstance(node, nodes.Element)
        given: list[str] = node.get("classes", [])
        classes = [c for c in given if c != "code"]
        yield Code(node.astext(), classes[0] if classes else "")

    def doctest(self, node: nodes.Node) -> Iterator[Block]:
        yield Code(node.astext(), "pycon")

    def math_block(self, node: nodes.Node) -> Iterator[Block]:
        converted = to_unicode(node.astext())
        yield MathBlock(converted.text, latex=not converted.complete)

    def bullets(self, node: nodes.Node) -> Iterator[Block]:
        assert isinstance(node, nodes.Element)
        items = tuple(tuple(self.blocks(item)) for item in _elements(node))
        enumerated = isinstance(node, nodes.enumerated_list)
        start = int(node.get("start", 1)) if enumerated else 1
        yield ListBlock(items, ordered=enumerated, start=start)

    def definitions(self, node: nodes.Node) -> Iterator[Block]:
        items: list[tuple[Inline, tuple[Block, ...]]] = []
        for item in _elements(node):
            term: list[Span] = []
            body: tuple[Block, ...] = ()
            for part in _elements(item):
                if isinstance(part, nodes.definition | nodes.field_body | nodes.description):
                    body = tuple(self.blocks(part))
                elif isinstance(part, nodes.classifier):
                    term += [Span(SpanKind.TEXT, " : "), *inline(part)]
                elif isinstance(part, nodes.option_group):  # `-v, --verbose`
                    options = ", ".join(option.astext() for option in _elements(part))
                    term.append(Span(SpanKind.CODE, options))
                else:
                    term += inline(part)
            items.append((tuple(term), body))
        yield Definitions(tuple(items))

    def quote(self, node: nodes.Node) -> Iterator[Block]:
        assert isinstance(node, nodes.Element)
        inner = tuple(self.blocks(node))
        if inner:
            yield Quote(inner)

    def attribution(self, node: nodes.Node) -> Iterator[Block]:
        yield Paragraph((Span(SpanKind.TEXT, "— "), *inline(node)))

    def line_block(self, node: nodes.Node) -> Iterator[Block]:
        for line in node.findall(nodes.line):
            spans = inline(line)
            if spans:
                yield Paragraph(spans)

    def table(self, node: nodes.Node) -> Iterator[Block]:
        assert isinstance(node, nodes.Element)
        header: list[tuple[Inline, ...]] = []
        body: list[tuple[Inline, ...]] = []
        for tgroup in _elements(node):
            for group in _elements(tgroup):
                rows = [_row(row) for row in _elements(group) if isinstance(row, nodes.row)]
                if isinstance(group, nodes.thead):
                    header += rows
                elif isinstance(group, nodes.tbody):
                    body += rows
        yield Table(tuple(header + body), header_rows=len(header))

    def section(self, node: nodes.Node) -> Iterator[Block]:
        assert isinstance(node, nodes.Element)
        for child in node.children:
            if isinstance(child, nodes.title):
                yield Heading(inline(child))
            else:
                yield from self.block(child)

    def heading(self, node: nodes.Node) -> Iterator[Block]:
        yield Heading(inline(node))

    def footnote(self, node: nodes.Node) -> Iterator[Block]:
        assert isinstance(node, nodes.Element)
        label = next(iter(node.findall(nodes.label)), None)
        term = (Span(SpanKind.TEXT, f"[{label.astext()}]"),) if label else ()
        body = tuple(b for child in node.children if not isinstance(child, nodes.label)
                     for b in self.block(child))  # fmt: skip
        yield Definitions(((term, body),))

    def image(self, node: nodes.Node) -> Iterator[Block]:
        assert isinstance(node, nodes.Element)
        yield Paragraph((Span(SpanKind.TEXT, f"[image: {node.get('alt') or node.get('uri')}]"),))

    def admonition(self, node: nodes.Node) -> Iterator[Block]:
        assert isinstance(node, nodes.Element)
        title = node.tagname.replace("_", " ").capitalize()
        body: list[Block] = []
        for child in node.children:
            if isinstance(child, nodes.title):
                title = child.astext()
            else:
                body += self.block(child)
        yield Admonition(title, tuple(body))

    def message(self, node: nodes.Node) -> Iterator[Block]:
        """docutils' complaints: unknown (Sphinx) directives are read, the rest noted."""
        assert isinstance(node, nodes.system_message)
        literal = next(iter(node.findall(nodes.literal_block)), None)
        disabled = _DISABLED.match(node.children[0].astext())
        if disabled:  # `.. include::` / `.. raw::`: nothing of them reaches the reader
            self.remarks.append(f"{disabled['name']} directive not shown")
            return
        if literal is None:
            remark = "unbalanced backquote, shown as written"
            if _UNBALANCED.match(node.children[0].astext()) and remark not in self.remarks:
                self.remarks.append(remark)
            return
        quoted = literal.astext()
        directive = sphinx.unknown_directive(node.children[0].astext(), quoted)
        if directive is None:
            problem = " ".join(node.children[0].astext().split()).rstrip(".")
            yield Verbatim(quoted, problem)
            return
        yield from directive.blocks(_nested)


def _nested(text: str) -> tuple[Block, ...]:
    """A Sphinx directive's content, parsed with what is left of the budget."""
    return _parse_rst(text) if text.strip() else ()


_BLOCK_HANDLERS: dict[str, Callable[[_Converter, nodes.Node], Iterator[Block]]] = {
    "paragraph": _Converter.paragraph, "literal_block": _Converter.literal,
    "doctest_block": _Converter.doctest, "math_block": _Converter.math_block,
    "bullet_list": _Converter.bullets, "enumerated_list": _Converter.bullets,
    "definition_list": _Converter.definitions, "field_list": _Converter.definitions,
    "option_list": _Converter.definitions, "block_quote": _Converter.quote,
    "attribution": _Converter.attribution, "line_block": _Converter.line_block,
    "table": _Converter.table, "section": _Converter.section, "title": _Converter.heading,
    "rubric": _Converter.heading, "footnote": _Converter.footnote,
    "citation": _Converter.footnote, "system_message": _Converter.message,
    "admonition": _Converter.admonition, "image": _Converter.image,
}  # fmt: skip


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


def _has_body(node: nodes.Element) -> bool:
    return any(isinstance(child, nodes.Body | nodes.Structural) for child in node.children)


def _elements(node: nodes.Node) -> list[nodes.Element]:
    assert isinstance(node, nodes.Element)
    return [child for child in node.children if isinstance(child, nodes.Element)]


def _row(row: nodes.Element) -> tuple[Inline, ...]:
    cells: list[Inline] = []
    for entry in _elements(row):
        spans: list[Span] = []
        for part in entry.children:
            if isinstance(part, nodes.system_message):
                continue
            if spans:
                spans.append(Span(SpanKind.TEXT, " "))
            spans += inline(part)
        cells.append(tuple(spans))
    return tuple(cells)


def inline(node: nodes.Node) -> Inline:
    """Inline markup as spans; nested inline markup keeps the outer kind."""
    spans: list[Span] = []
    for child in node.children if isinstance(node, nodes.Element) else [node]:
        spans += _span(child)
    return tuple(_merge(spans))


def _span(node: nodes.Node) -> list[Span]:
    text = node.astext()
    if isinstance(node, nodes.Text):
        return [Span(SpanKind.TEXT, " ".join(text.split("\n")))] if text else []
    if isinstance(node, nodes.system_message | nodes.target | nodes.substitution_definition):
        return []
    if isinstance(node, nodes.literal | nodes.title_reference):
        return [Span(SpanKind.CODE, " ".join(text.split()))]
    if isinstance(node, nodes.emphasis):
        return [Span(SpanKind.EMPHASIS, text)]
    if isinstance(node, nodes.strong):
        return [Span(SpanKind.STRONG, text)]
    if isinstance(node, nodes.math):
        converted = to_unicode(text)
        kind = SpanKind.MATH if converted.complete else SpanKind.CODE
        return [Span(kind, converted.text)]
    if isinstance(node, nodes.reference) and node.get("refuri"):
        return [Span(SpanKind.LINK, text, str(node["refuri"]))]
    if isinstance(node, nodes.substitution_reference):  # never defined in a docstring
        return [Span(SpanKind.TEXT, f"|{text}|")]
    if isinstance(node, nodes.footnote_reference | nodes.citation_reference):
        return [Span(SpanKind.TEXT, f"[{text}]")]
    if isinstance(node, nodes.problematic):
        return sphinx.problematic_spans(text)
    if isinstance(node, nodes.subscript | nodes.superscript):
        mark = "_" if isinstance(node, nodes.subscript) else "^"
        return [Span(SpanKind.MATH, to_unicode(f"{mark}{{{text}}}").text)]
    if isinstance(node, nodes.Element) and len(node.children) > 1:
        return list(inline(node))
    return [Span(SpanKind.TEXT, text)] if text else []


def _merge(spans: list[Span]) -> list[Span]:
    """Adjacent spans of the same kind as one (and no empty ones)."""
    merged: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if merged and merged[-1].kind == span.kind == SpanKind.TEXT:
            merged[-1] = Span(SpanKind.TEXT, merged[-1].text + span.text)
        else:
            merged.append(span)
    return merged
