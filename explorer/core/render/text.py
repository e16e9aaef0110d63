"""Doc records as plain text for `explore X --doc`: the same blocks as the Doc tab, laid
out for a terminal of a given width (paragraphs wrapped, tables aligned, code kept)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Protocol

from explorer.core.examples import doctest_text
from explorer.core.model import Doc, Param
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
    SpanKind,
    Table,
    Verbatim,
)
from explorer.core.render.rst import one_docstring, parse_blocks
from explorer.core.render.safe import hide_controls, show_controls
from explorer.core.render.signature import signature_lines

DEFAULT_WIDTH = 80
_MIN_WIDTH = 20  # however deep the nesting, a line keeps room for a few words


class TextStyle(Protocol):
    """How headings and emphasis look (the CLI's ANSI `Style` fits)."""

    def bold(self, text: str) -> str: ...

    def dim(self, text: str) -> str: ...

    def heading(self, text: str) -> str: ...


class PlainStyle:
    def bold(self, text: str) -> str:
        return text

    def dim(self, text: str) -> str:
        return text

    def heading(self, text: str) -> str:
        return text


def inline_text(spans: Inline) -> str:
    """Inline text as a reader sees it: no markup; a URL after the words that link to it."""
    out = []
    for span in spans:
        if span.kind == SpanKind.LINK and span.target and "://" in span.target:
            same = span.target.rstrip("/") == span.text.rstrip("/")
            out.append(span.text if same else f"{span.text} <{span.target}>")
        else:
            out.append(span.text)
    return " ".join("".join(out).split())


class TextWriter:
    def __init__(self, style: TextStyle, width: int) -> None:
        self.style = style
        self.width = width

    def wrap(self, text: str, indent: int, first: str = "") -> list[str]:
        """`text` wrapped at the width, `first` (a bullet) before its first line."""
        room = max(self.width - indent, _MIN_WIDTH)
        lead = " " * indent
        lines = textwrap.wrap(
            text, room, initial_indent=lead + first, subsequent_indent=lead + " " * len(first),
            break_long_words=False, break_on_hyphens=False,
        )  # fmt: skip
        return lines or [lead + first.rstrip()]

    def blocks(self, blocks: Sequence[Block], indent: int = 0) -> list[str]:
        lines: list[str] = []
        for block in blocks:
            if lines:
                lines.append("")
            lines += self.block(block, indent)
        return lines

    def block(self, block: Block, indent: int) -> list[str]:
        pad = " " * indent
        if isinstance(block, Paragraph):
            return self.wrap(inline_text(block.spans), indent)
        if isinstance(block, Heading):
            return [pad + self.style.bold(inline_text(block.spans))]
        if isinstance(block, Code | MathBlock):
            return [(pad + "    " + line).rstrip() for line in block.text.rstrip().split("\n")]
        if isinstance(block, Table):
            return self.table(block, indent)
        if isinstance(block, ListBlock):
            return self.items(block, indent)
        if isinstance(block, Definitions):
            lines = []
            for term, body in block.items:
                lines += self.wrap(inline_text(term), indent)
                lines += self.blocks(body, indent + 4)
            return lines
        if isinstance(block, Admonition):
            title = pad + self.style.bold(block.title + ":")
            return [title, *self.blocks(block.blocks, indent + 2)]
        if isinstance(block, Quote):
            return self.blocks(block.blocks, indent + 4)
        if isinstance(block, Remark):
            return [pad + self.style.dim(f"({block.text})")]
        return self.verbatim(block, indent)

    def verbatim(self, block: Verbatim, indent: int) -> list[str]:
        note = self.style.dim(f"(shown as written: {block.problem})")
        return [" " * indent + note, *textwrap.indent(block.text, " " * indent).split("\n")]

    def items(self, block: ListBlock, indent: int) -> list[str]:
        lines: list[str] = []
        for number, item in enumerate(block.items, block.start):
            bullet = f"{number}. " if block.ordered else "• "
            first, rest = (item[0], item[1:]) if item else (Paragraph(()), ())
            if isinstance(first, Paragraph):
                lines += self.wrap(inline_text(first.spans), indent, bullet)
            else:
                lines += [" " * indent + bullet.rstrip()] + self.block(first, indent + len(bullet))
            if rest:
                lines += [""] + self.blocks(rest, indent + len(bullet))
        return lines

    def table(self, table: Table, indent: int) -> list[str]:
        rows = [[inline_text(cell) for cell in row] for row in table.rows]
        columns = max((len(row) for row in rows), default=0)
        if not columns:
            return []
        rows = [row + [""] * (columns - len(row)) for row in rows]
        widths = _column_widths(rows, max(self.width - indent, _MIN_WIDTH) - 2 * (columns - 1))
        lines: list[str] = []
        for number, row in enumerate(rows):
            lines += _table_row(row, widths, indent)
            if number + 1 == table.header_rows:
                lines.append(" " * indent + "  ".join("─" * w for w in widths))
        return lines


def _column_widths(rows: list[list[str]], room: int) -> list[int]:
    """Natural widths, the widest column narrowed first until the table fits `room`."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    floors = [min(w, max((len(word) for row in rows for word in row[i].split()), default=1))
              for i, w in enumerate(widths)]  # fmt: skip
    while sum(widths) > room:
        shrinkable = [i for i, w in enumerate(widths) if w > max(floors[i], 8)]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def _table_row(row: list[str], widths: list[int], indent: int) -> list[str]:
    cells = [textwrap.wrap(cell, max(width, 1), break_on_hyphens=False) or [""]
             for cell, width in zip(row, widths, strict=True)]  # fmt: skip
    height = max(len(cell) for cell in cells)
    lines = []
    for line in range(height):
        parts = [(cell[line] if line < len(cell) else "").ljust(width)
                 for cell, width in zip(cells, widths, strict=True)]  # fmt: skip
        lines.append((" " * indent + "  ".join(parts)).rstrip())
    return lines


def _param_head(param: Param) -> str:
    star = {"VAR_POSITIONAL": "*", "VAR_KEYWORD": "**"}.get(param.kind, "")
    head = star + param.name
    typ = param.type or param.annotation
    if typ:
        head += f" : {typ}"
    if param.default is not None:
        head += f" = {param.default}"
    return head


def render_doc(doc: Doc, style: TextStyle | None = None, width: int = DEFAULT_WIDTH) -> str:
    """`--doc` as text: header, signature, prose, parameters, returns, raises, notes,
    examples and links."""
    with one_docstring():
        return show_controls(_render_doc(hide_controls(doc), style or PlainStyle(), width))


def _render_doc(doc: Doc, style: TextStyle, width: int) -> str:
    writer = TextWriter(style, width)
    home = f", defined in {doc.defined_in}" if doc.defined_in else ""
    out = [f"{style.bold(doc.qualname)}  ({doc.kind}{home})"]
    out += signature_lines(doc, width) or [style.dim("no signature")]
    if doc.unreadable:
        out.append(style.dim(f"(no readable docstring: {doc.unreadable})"))
    if doc.parse_error:
        out.append(style.dim(f"(docstring sections could not be parsed: {doc.parse_error})"))
    prose = writer.blocks(parse_blocks(doc.description or doc.summary))
    if prose:
        out += ["", *prose]
    if doc.params:
        out += ["", style.heading("Parameters")]
        for param in doc.params:
            out.append("  " + style.bold(_param_head(param)))
            out += writer.blocks(parse_blocks(param.description), 6)
    if doc.returns:
        out += ["", style.heading("Returns")]
        typed = bool(doc.returns.type)
        out += ["  " + style.bold(doc.returns.type or "")] if typed else []
        out += writer.blocks(parse_blocks(doc.returns.description), 6 if typed else 2)
    if doc.raises:
        out += ["", style.heading("Raises")]
        for raised in doc.raises:
            out.append("  " + style.bold(raised.type or "?"))
            out += writer.blocks(parse_blocks(raised.description), 6)
    for section in doc.notes:
        out += ["", style.heading(section.title), *writer.blocks(parse_blocks(section.text), 2)]
    out += _examples(doc, style)
    if doc.links:
        out += ["", style.heading("Links")]
        out += [f"  {link.text} → {link.target}" for link in doc.links]
    return "\n".join(out) + "\n"


def _examples(doc: Doc, style: TextStyle) -> list[str]:
    if not doc.examples:
        return []
    out = ["", style.heading(f"Examples ({len(doc.examples)})")]
    for number, example in enumerate(doc.examples, 1):
        flags = "  " + " ".join(example.directives) if example.directives else ""
        out.append(style.dim(f"  [{number}] docstring line {example.lineno}{flags}"))
        out.append(textwrap.indent(doctest_text(example.source), "    "))
        if example.want:
            out.append(textwrap.indent(example.want, "    "))
    return out
