"""Doc and Listing records as Markdown: the convert step between loading and rendering.

Cross-references become Markdown links whose href is the dotted target, so a
click arrives as `Markdown.LinkClicked(href=target)`. Examples are not part of
the Markdown: the Doc view shows each one as its own widget (with Run/Edit).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from explorer.core.model import Doc, Link, Listing, Member, Param

_EXAMPLE_HEADER = re.compile(r"^\s*(Examples?|Usage)\s*:{1,2}\s*$", re.IGNORECASE)
_PROMPT = re.compile(r"^\s*(>>>|\.\.\.)( |$)")


def escape_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _link_map(links: Iterable[Link]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for link in links:
        mapping.setdefault(link.text, link.target)
    return mapping


def linkify(text: str, links: dict[str, str]) -> str:
    """`name` -> [name](target) for every link the core found, outside code blocks."""
    if not links:
        return text

    def replace(match: re.Match[str]) -> str:
        target = links.get(match[1])
        return f"[{match[1]}]({target})" if target else match[0]

    out = []
    for line in text.split("\n"):
        indented = line.startswith("    ") or line.startswith("\t")
        out.append(line if indented else re.sub(r"`([^`\n]+)`", replace, line))
    return "\n".join(out)


def strip_examples(text: str) -> str:
    """Drop `>>>` blocks and their 'Example::' headers; the Examples section shows them."""
    kept: list[str] = []
    in_example = False
    for line in text.split("\n"):
        if _PROMPT.match(line):
            in_example = True
            continue
        if in_example:
            if not line.strip():
                in_example = False
            continue
        if _EXAMPLE_HEADER.match(line):
            continue
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def rst_literals(text: str) -> str:
    """RST 'text::' + indented block -> 'text:' + a fenced Python block."""
    lines, out, index = text.split("\n"), [], 0
    while index < len(lines):
        line = lines[index]
        if line.rstrip().endswith("::") and index + 1 < len(lines):
            out.append(line.rstrip()[:-1])
            block, index = _indented_block(lines, index + 1)
            if block:
                out += ["", "```python", *block, "```", ""]
            continue
        out.append(line)
        index += 1
    return "\n".join(out)


def _indented_block(lines: list[str], start: int) -> tuple[list[str], int]:
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    block: list[str] = []
    while index < len(lines) and (not lines[index].strip() or lines[index][:1] in " \t"):
        block.append(lines[index])
        index += 1
    while block and not block[-1].strip():
        block.pop()
    indent = min((len(b) - len(b.lstrip()) for b in block if b.strip()), default=0)
    return [b[indent:] for b in block], index


def param_type(param: Param) -> str:
    return param.annotation or param.type or ""


def params_table(params: Sequence[Param], links: dict[str, str]) -> list[str]:
    rows = ["| Parameter | Type | Default | Description |", "|---|---|---|---|"]
    for param in params:
        star = {"VAR_POSITIONAL": "*", "VAR_KEYWORD": "**"}.get(param.kind, "")
        rows.append(
            f"| `{star}{param.name}` | {escape_cell(param_type(param))} "
            f"| {escape_cell(param.default or '')} "
            f"| {linkify(escape_cell(param.description), links)} |"
        )
    return rows


def signature_block(doc: Doc) -> list[str]:
    if doc.signature is None:
        return []
    prefix = "class " if doc.kind.is_class else ""
    return ["```python", f"{prefix}{doc.name}{doc.signature}", "```", ""]


def doc_markdown(doc: Doc, value: str | None = None) -> str:
    """Signature (or a data member's value), prose, parameters, returns, raises and notes."""
    links = _link_map(doc.links)
    parts = [f"## {doc.name}", f"*{doc.kind}* · `{doc.qualname}`", ""]
    parts += signature_block(doc)
    if value:
        parts += ["```python", f"{doc.name} = {value}", "```", ""]
    prose = strip_examples(doc.description or doc.summary)
    if prose:
        parts += [linkify(rst_literals(prose), links), ""]
    if doc.params:
        parts += ["### Parameters", "", *params_table(doc.params, links), ""]
    if doc.returns is not None:
        returned = doc.returns
        kind = f"`{returned.type}`" if returned.type else ""
        parts += ["### Returns", "", f"{kind} {linkify(returned.description, links)}".strip(), ""]
    if doc.raises:
        parts += ["### Raises", ""]
        parts += [f"- `{r.type or '?'}` {linkify(r.description, links)}" for r in doc.raises]
        parts.append("")
    for note in doc.notes:
        parts += [f"### {note.title}", "", linkify(rst_literals(note.text), links), ""]
    if doc.parse_error:
        parts += [f"> docstring could not be parsed ({doc.parse_error}); shown as written", ""]
    if not (prose or doc.params or doc.notes or value):
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
