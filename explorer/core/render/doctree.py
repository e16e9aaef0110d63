"""A docutils doctree -> blocks (the structured doc the writers read).

Sphinx directives docutils reports as unknown are read by `sphinx.py`; their
content is parsed again through the `nested` function the caller passes (so
it draws on the same work budget).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from docutils import nodes

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
    Span,
    SpanKind,
    Table,
    Verbatim,
)
from explorer.core.render.math import to_unicode

# docutils' warnings about markup it then shows as written: worth a word to the reader.
_DISABLED = re.compile(r'"(?P<name>[\w-]+)" directive disabled')
_UNBALANCED = re.compile(r"Inline (?:interpreted text or phrase reference|literal) start-string")


class Converter:
    """docutils doctree -> blocks; `remarks` collects what the reader should be told."""

    def __init__(self, nested: sphinx.Nested) -> None:
        self.nested = nested
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
        """docutils' complaints: a directive it quotes is read, other quoted text is shown
        as written with the problem, warnings about unbalanced markup become a remark."""
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
        directive = sphinx.read_directive(quoted)
        if directive is None:
            problem = " ".join(node.children[0].astext().split()).rstrip(".")
            yield Verbatim(quoted, problem)
            return
        yield from directive.blocks(self.nested)


_BLOCK_HANDLERS: dict[str, Callable[[Converter, nodes.Node], Iterator[Block]]] = {
    "paragraph": Converter.paragraph, "literal_block": Converter.literal,
    "doctest_block": Converter.doctest, "math_block": Converter.math_block,
    "bullet_list": Converter.bullets, "enumerated_list": Converter.bullets,
    "definition_list": Converter.definitions, "field_list": Converter.definitions,
    "option_list": Converter.definitions, "block_quote": Converter.quote,
    "attribution": Converter.attribution, "line_block": Converter.line_block,
    "table": Converter.table, "section": Converter.section, "title": Converter.heading,
    "rubric": Converter.heading, "footnote": Converter.footnote,
    "citation": Converter.footnote, "system_message": Converter.message,
    "admonition": Converter.admonition, "image": Converter.image,
}  # fmt: skip


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
