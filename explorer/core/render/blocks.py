"""The structured doc between parsing and writing: a few block and inline records.

`rst.parse_blocks` builds them from a docstring fragment; `markdown` (the Doc
tab) and `text` (the CLI) write them. Nothing here knows about docutils.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SpanKind(StrEnum):
    TEXT = "text"
    CODE = "code"  # ``literal`` and `interpreted` text: names, values, expressions
    EMPHASIS = "emphasis"
    STRONG = "strong"
    MATH = "math"  # converted to Unicode; LaTeX that could not be is CODE instead
    LINK = "link"  # an explicit hyperlink: text and a URL or dotted target


@dataclass(frozen=True, slots=True)
class Span:
    kind: SpanKind
    text: str
    target: str | None = None


Inline = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    spans: Inline


@dataclass(frozen=True, slots=True)
class Heading:
    spans: Inline


@dataclass(frozen=True, slots=True)
class Code:
    """A literal block, a doctest block or a code directive, kept line for line."""

    text: str
    language: str = ""


@dataclass(frozen=True, slots=True)
class MathBlock:
    """Display math: Unicode lines, or LaTeX (`latex=True`) where that had no clear reading."""

    text: str
    latex: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of cells (each cell one line of inline text); the first `header_rows` are headers."""

    rows: tuple[tuple[Inline, ...], ...]
    header_rows: int = 0


@dataclass(frozen=True, slots=True)
class ListBlock:
    items: tuple[tuple[Block, ...], ...]
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True, slots=True)
class Definitions:
    """Definition, field and option lists: a term and what it means."""

    items: tuple[tuple[Inline, tuple[Block, ...]], ...]


@dataclass(frozen=True, slots=True)
class Admonition:
    """note, warning, seealso, versionadded ... with the title a reader sees."""

    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Quote:
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Verbatim:
    """Text shown as written because it could not be formatted, and why."""

    text: str
    problem: str


@dataclass(frozen=True, slots=True)
class Remark:
    """A note about the rendering itself (markup that could not be read)."""

    text: str


Block = (
    Paragraph | Heading | Code | MathBlock | Table | ListBlock | Definitions | Admonition
    | Quote | Verbatim | Remark
)  # fmt: skip


def plain(spans: Inline) -> str:
    """The words of inline text, without markup."""
    return "".join(span.text for span in spans)


def flatten(block: Block) -> Inline:
    """Any block as one line of inline text (for a table cell or a summary)."""
    if isinstance(block, Paragraph | Heading):
        return block.spans
    if isinstance(block, Code | Verbatim):
        return (Span(SpanKind.CODE, " ".join(block.text.split())),)
    if isinstance(block, MathBlock):
        kind = SpanKind.CODE if block.latex else SpanKind.MATH
        return (Span(kind, " ".join(block.text.split())),)
    if isinstance(block, Table):
        return _joined([cell for row in block.rows for cell in row], "; ")
    if isinstance(block, ListBlock):
        return _joined([_flat_blocks(item) for item in block.items], "; ")
    if isinstance(block, Definitions):
        return _joined([(*term, Span(SpanKind.TEXT, ": "), *_flat_blocks(body))
                        for term, body in block.items], "; ")  # fmt: skip
    if isinstance(block, Admonition):
        return (Span(SpanKind.STRONG, block.title), Span(SpanKind.TEXT, ": "),
                *_flat_blocks(block.blocks))  # fmt: skip
    if isinstance(block, Remark):
        return (Span(SpanKind.EMPHASIS, f"({block.text})"),)
    return _flat_blocks(block.blocks)


def _flat_blocks(blocks: tuple[Block, ...]) -> Inline:
    return _joined([flatten(block) for block in blocks], " ")


def _joined(parts: list[Inline], separator: str) -> Inline:
    spans: list[Span] = []
    for part in parts:
        if spans and part:
            ends_clause = spans[-1].text.rstrip()[-1:] in (".", ";", ":", ",", "!", "?")
            spans.append(Span(SpanKind.TEXT, " " if ends_clause else separator))
        spans += part
    return tuple(spans)
