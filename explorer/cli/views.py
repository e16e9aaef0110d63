"""The non-TUI views: --list, --doc, --help-text and --source, as text or JSON.

The CLI is a client like the TUI: the target is imported and inspected in a
worker child (explorer.proc.child), under a time limit, and this process alone
writes stdout, from the typed reply the child sent. Nothing the target does
(printing, exiting, hanging, forking, patching `json`) reaches or forges the output.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from explorer.cli.fetch import ask_worker
from explorer.cli.textout import Style, indent, printable_fields
from explorer.core.model import Doc, Listing, Param, Source
from explorer.proc.messages import (
    DocRequest,
    HelpRequest,
    ListRequest,
    Request,
    SourceRequest,
    Text,
)


def view_request(args: argparse.Namespace) -> Request[Any]:
    if args.list:
        return ListRequest(args.target, private=args.private, dunder=args.dunder)
    if args.doc:
        return DocRequest(args.target)
    if args.help_text:
        return HelpRequest(args.target)
    return SourceRequest(args.target)


def run_view(args: argparse.Namespace) -> int:
    result = ask_worker(view_request(args), timeout=args.timeout)
    if args.json:
        payload = result.to_dict()
        if isinstance(result, Text):
            payload = {"target": args.target, "text": result.text}
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    style = Style.for_stream(sys.stdout)
    render: dict[type, Callable[[Any, Style], str]] = {
        Listing: render_listing,
        Doc: render_doc,
        Source: render_source,
        Text: lambda text, _style: text.text,
    }
    sys.stdout.write(render[type(result)](printable_fields(result), style))
    return 0


def render_listing(listing: Listing, style: Style) -> str:
    lines = [f"{style.bold(listing.target)} ({listing.kind}) — {len(listing.members)} members"]
    lines += [style.dim(f"note: {note}") for note in listing.notes]
    width = min(max((len(m.name) for m in listing.members), default=0) + 2, 26)
    kind = None
    for member in listing.members:
        if member.kind != kind:
            kind = member.kind
            count = sum(1 for m in listing.members if m.kind == kind)
            lines += ["", style.heading(f"{kind.heading} ({count})")]
        mark = "*" if member.exported else " "
        text = f"error: {member.error}" if member.error else member.summary
        if member.inherited_from:
            text = f"{text}  {style.dim('[from ' + member.inherited_from + ']')}".strip()
        shown = style.dim(text) if member.error else text
        lines.append(f" {mark}{member.name.ljust(width)}{shown}".rstrip())
    return "\n".join(lines) + "\n"


def _param_line(param: Param) -> str:
    head = param.name
    typ = param.type or param.annotation
    if typ:
        head += f" : {typ}"
    if param.default is not None:
        head += f" = {param.default}"
    return head


def render_doc(doc: Doc, style: Style) -> str:
    home = f", defined in {doc.defined_in}" if doc.defined_in else ""
    out = [f"{style.bold(doc.qualname)}  ({doc.kind}{home})"]
    out.append(f"{doc.name}{doc.signature}" if doc.signature else style.dim("no signature"))
    if doc.parse_error:
        out.append(style.dim(f"(docstring could not be parsed: {doc.parse_error}; raw text below)"))
    if doc.description or doc.summary:
        out += ["", doc.description or doc.summary]
    if doc.params:
        out += ["", style.heading("Parameters")]
        for param in doc.params:
            out.append("  " + style.bold(_param_line(param)))
            if param.description:
                out.append(indent(param.description, 6))
    if doc.returns:
        out += ["", style.heading("Returns"), "  " + (doc.returns.type or "")]
        if doc.returns.description:
            out.append(indent(doc.returns.description, 6))
    if doc.raises:
        out += ["", style.heading("Raises")]
        for raised in doc.raises:
            out += ["  " + (raised.type or ""), indent(raised.description, 6)]
    for section in doc.notes:
        out += ["", style.heading(section.title), indent(section.text, 2)]
    if doc.examples:
        out += ["", style.heading(f"Examples ({len(doc.examples)})")]
        for number, example in enumerate(doc.examples, 1):
            flags = "  " + " ".join(example.directives) if example.directives else ""
            out.append(style.dim(f"  [{number}] docstring line {example.lineno}{flags}"))
            out += [indent(_prompted(example.source), 4)]
            if example.want:
                out.append(indent(example.want, 4))
    if doc.links:
        out += ["", style.heading("Links")]
        out += [f"  {link.text} → {link.target}" for link in doc.links]
    return "\n".join(out) + "\n"


def _prompted(source: str) -> str:
    lines = source.splitlines()
    return "\n".join(
        (">>> " if not line.startswith((" ", "\t")) or not index else "... ") + line
        for index, line in enumerate(lines)
    )


def render_source(source: Source, style: Style) -> str:
    if source.error:
        return source.error + "\n"
    header = style.dim(f"# {source.file}:{source.line}")
    return f"{header}\n{source.text}"
