"""Doc and Listing records as Markdown for the Doc and Members tabs (Textual's Markdown).

Each docstring fragment goes through the one pipeline (`rst.parse_blocks`) and
is written here as Markdown. A name with a cross-reference becomes a link
whose href is the dotted target, so a click arrives as
`Markdown.LinkClicked(href=target)`. Examples are not part of the Markdown:
the Doc view shows each one as its own widget (with Run/Edit).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence

from explorer.core.model import Doc, Link, Listing, Member, Param
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
    flatten,
)
from explorer.core.render.rst import one_docstring, parse_blocks
from explorer.core.render.safe import hide_controls, show_controls
from explorer.core.render.signature import signature_lines

_SPECIAL = re.compile(r"([\\`*_\[\]<>#~|&])")
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")
_DESCRIPTION_ROOM = 30  # the narrowest description column worth reading
_TABLE_FRAME = 13  # borders and cell padding of a four-column table


def escape(text: str) -> str:
    """Plain text that Markdown shows as written."""
    return _SPECIAL.sub(r"\\\1", text)


def escape_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def code_span(text: str) -> str:
    text = " ".join(text.split("\n"))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}"


def _link_map(links: Iterable[Link]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for link in links:
        mapping.setdefault(link.text, link.target)
    return mapping


def _href(target: str) -> str:
    return f"<{target}>" if re.search(r"[\s()<>]", target) else target


class MarkdownWriter:
    """Blocks -> Markdown lines; names found in `links` become links to their target."""

    def __init__(self, links: dict[str, str]) -> None:
        self.links = links

    def inline(self, spans: Inline, *, in_table: bool = False) -> str:
        out = [self._span(span) for span in spans]
        text = "".join(out).strip()
        if in_table:
            text = re.sub(r"(?<!\\)\|", r"\\|", text)
        return _LINE_START.sub(lambda m: "\\" + m[0] if m[3] else f"{m[1]}\\{m[2]}", text)

    def _span(self, span: Span) -> str:
        if span.kind == SpanKind.CODE:
            target = self.links.get(span.text)
            return f"[{escape(span.text)}]({_href(target)})" if target else code_span(span.text)
        if span.kind == SpanKind.LINK and span.target:
            return f"[{escape(span.text)}]({_href(span.target)})"
        text = escape(span.text)
        if span.kind == SpanKind.EMPHASIS:
            return f"*{text.strip()}*" if text.strip() else text
        if span.kind == SpanKind.STRONG:
            return f"**{text.strip()}**" if text.strip() else text
        return text

    def blocks(self, blocks: Sequence[Block]) -> list[str]:
        lines: list[str] = []
        for block in blocks:
            if lines:
                lines.append("")
            lines += self.block(block)
        return lines

    def block(self, block: Block) -> list[str]:
        if isinstance(block, Paragraph):
            return [self.inline(block.spans)]
        if isinstance(block, Heading):
            return [f"#### {self.inline(block.spans)}"]
        if isinstance(block, Code):
            return _fence(block.text, _language(block))
        if isinstance(block, MathBlock):
            return _fence(block.text, "latex" if block.latex else "text")
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, ListBlock):
            return self.items(block)
        if isinstance(block, Definitions):
            return self.definitions(block)
        if isinstance(block, Admonition):
            return _quoted([f"**{escape(block.title)}**", "", *self.blocks(block.blocks)])
        if isinstance(block, Quote):
            return _quoted(self.blocks(block.blocks))
        if isinstance(block, Remark):
            return [f"> *({escape(block.text)})*"]
        return [f"> *Shown as written: {escape(block.problem)}.*", "", *_fence(block.text, "text")]

    def table(self, table: Table) -> list[str]:
        columns = max(len(row) for row in table.rows) if table.rows else 0
        if not columns:
            return []
        rows = [[self.inline(cell, in_table=True) for cell in row] for row in table.rows]
        rows = [row + [""] * (columns - len(row)) for row in rows]
        header = rows[0] if table.header_rows else [""] * columns
        body = rows[1:] if table.header_rows else rows
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * columns]
        return lines + ["| " + " | ".join(row) + " |" for row in body]

    def items(self, block: ListBlock) -> list[str]:
        lines: list[str] = []
        loose = any(len(item) > 1 for item in block.items)
        for number, item in enumerate(block.items, block.start):
            bullet = f"{number}. " if block.ordered else "- "
            if loose and lines:
                lines.append("")
            lines += _hanging(bullet, self.blocks(item) or [""])
        return lines

    def definitions(self, block: Definitions) -> list[str]:
        """Each term in bold: with its text on the same line when that is one paragraph,
        else above its blocks (Markdown has no definition lists; a bullet would read as
        part of a neighbouring list)."""
        lines: list[str] = []
        for term, body in block.items:
            if lines:
                lines.append("")
            head = f"**{self.inline(term)}**" if term else ""
            if len(body) == 1 and isinstance(body[0], Paragraph):
                text = self.inline(body[0].spans)
                lines.append(f"{head} — {text}" if head and text else head or text)
            else:
                lines += [head, "", *self.blocks(body)] if head else self.blocks(body)
        return lines

    def fragment(self, text: str) -> list[str]:
        return self.blocks(parse_blocks(text))

    def first_paragraph_inline(self, text: str) -> tuple[str, list[str]]:
        """(the first paragraph as one line, the Markdown of the blocks after it)."""
        blocks = parse_blocks(text)
        if blocks and isinstance(blocks[0], Paragraph):
            return self.inline(blocks[0].spans), self.blocks(blocks[1:])
        return "", self.blocks(blocks)


def _quoted(lines: list[str]) -> list[str]:
    return [f"> {line}".rstrip() for line in lines]


def _hanging(bullet: str, lines: list[str]) -> list[str]:
    pad = " " * len(bullet)
    return [bullet + lines[0]] + [(pad + line) if line else "" for line in lines[1:]]


def _fence(text: str, language: str) -> list[str]:
    fence = "```"
    while fence in text:
        fence += "`"
    return [f"{fence}{language}", *text.rstrip("\n").split("\n"), fence]


def _language(code: Code) -> str:
    if code.language in ("pycon", "python", "py", "python3", "ipython"):
        return "python"
    if code.language:
        return code.language
    try:
        ast.parse(code.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "text"
    return "python"


def param_type(param: Param) -> str:
    return param.annotation or param.type or ""


def _star(param: Param) -> str:
    return {"VAR_POSITIONAL": "*", "VAR_KEYWORD": "**"}.get(param.kind, "")


def params_table(params: Sequence[Param], writer: MarkdownWriter) -> list[str]:
    rows = ["| Parameter | Type | Default | Description |", "|---|---|---|---|"]
    for param in params:
        description = " ".join(
            writer.inline(flatten(block), in_table=True)
            for block in parse_blocks(param.description)
        )
        rows.append(
            f"| `{_star(param)}{param.name}` | {escape_cell(param_type(param))} "
            f"| {escape_cell(param.default or '')} | {description} |"
        )
    return rows


def params_list(params: Sequence[Param], writer: MarkdownWriter) -> list[str]:
    """One entry per parameter (for narrow views): name, type and default, then the text."""
    lines: list[str] = []
    for param in params:
        facts = [escape(param_type(param))] if param_type(param) else []
        if param.default is not None:
            facts.append(f"default {code_span(param.default)}")
        head = f"**{escape(_star(param) + param.name)}**"
        head += f" ({', '.join(facts)})" if facts else ""
        first, rest = writer.first_paragraph_inline(param.description)
        head += f" — {first}" if first else ""
        lines += _hanging("- ", [head, *(["", *rest] if rest else [])])
    return lines


def _table_fits(params: Sequence[Param], width: int | None) -> bool:
    """Whether names, types and defaults fit whole, with room for descriptions to wrap."""
    if width is None:
        return True
    columns = (
        max(len("Parameter"), *(len(_star(p) + p.name) for p in params)),
        max(len("Type"), *(len(param_type(p)) for p in params)),
        max(len("Default"), *(len(p.default or "") for p in params)),
        min(max(len("Description"), *(len(p.description) for p in params)), _DESCRIPTION_ROOM),
    )
    return sum(columns) + _TABLE_FRAME <= width


def signature_block(doc: Doc, width: int | None = None) -> list[str]:
    lines = signature_lines(doc, width)
    return ["```python", *lines, "```", ""] if lines else []


def doc_markdown(doc: Doc, value: str | None = None, width: int | None = None) -> str:
    """Signature (or a data member's value), prose, parameters, returns, raises and notes.

    `width`: the columns the view has; a longer signature goes one parameter per
    line and a parameter table that would be cramped becomes a list.
    """
    with one_docstring():
        return show_controls(_doc_markdown(hide_controls(doc), hide_controls(value), width))


def _doc_markdown(doc: Doc, value: str | None, width: int | None) -> str:
    writer = MarkdownWriter(_link_map(doc.links))
    parts = [f"## {escape(doc.name)}", f"*{doc.kind}* · `{doc.qualname}`", ""]
    parts += signature_block(doc, None if width is None else width - 4)
    if value:
        parts += ["```python", f"{doc.name} = {value}", "```", ""]
    if doc.unreadable:
        parts += [f"*No readable docstring* ({escape(doc.unreadable)}).", ""]
    prose = writer.fragment(doc.description or doc.summary)
    if prose:
        parts += [*prose, ""]
    if doc.params:
        table = _table_fits(doc.params, width)
        shown = params_table(doc.params, writer) if table else params_list(doc.params, writer)
        parts += ["### Parameters", "", *shown, ""]
    if doc.returns is not None:
        returned = doc.returns
        first, rest = writer.first_paragraph_inline(returned.description)
        kind = code_span(returned.type) if returned.type else ""
        parts += ["### Returns", "", f"{kind} {first}".strip(), *rest, ""]
    if doc.raises:
        parts += ["### Raises", ""]
        for raised in doc.raises:
            first, rest = writer.first_paragraph_inline(raised.description)
            head = f"{code_span(raised.type or '?')} {first}".strip()
            parts += _hanging("- ", [head, *(["", *rest] if rest else [])])
        parts.append("")
    for note in doc.notes:
        parts += [f"### {escape(note.title)}", "", *writer.fragment(note.text), ""]
    if doc.parse_error:
        parts += [f"> docstring sections could not be parsed ({escape(doc.parse_error)})", ""]
    if not (prose or doc.params or doc.notes or value or doc.unreadable):
        parts += ["*No documentation.*", ""]
    return "\n".join(parts).strip() + "\n"


def members_markdown(listing: Listing) -> str:
    """A class's own members first, then one group per base class in MRO order."""
    own = [m for m in listing.members if not m.inherited_from]
    groups: dict[str, list[Member]] = {}
    for member in listing.members:
        if member.inherited_from:
            groups.setdefault(member.inherited_from, []).append(member)
    parts = [f"## Members of {listing.target}", "", f"### Own members ({len(own)})", ""]
    parts += _member_rows(own) or ["*none*"]
    rank = {name: index for index, name in enumerate(listing.mro)}
    for owner in sorted(groups, key=lambda name: (rank.get(name, len(rank)), name)):
        parts += ["", f"### Inherited from `{owner}` ({len(groups[owner])})", ""]
        parts += _member_rows(groups[owner])
    return "\n".join(parts) + "\n"


def _member_rows(members: Sequence[Member]) -> list[str]:
    # A bullet list, not a table: dense enough for classes with a hundred members.
    return [
        f"- [{m.name}]({m.qualname}) *{m.kind}*"
        + (f" — {' '.join((m.error or m.summary).split())}" if (m.error or m.summary) else "")
        for m in members
    ]
