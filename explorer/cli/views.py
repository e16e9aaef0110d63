"""The non-TUI views: --list, --doc, --help-text and --source, as text or JSON.

The CLI is a client like the TUI: the target is imported and inspected in a
worker child (explorer.proc.child), under a time limit, and this process alone
writes stdout, from the typed reply the child sent. Nothing the target does
(printing, exiting, hanging, forking, patching `json`) reaches or forges the output.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable
from typing import Any

from explorer.cli.fetch import ask_worker
from explorer.cli.textout import Style
from explorer.core.model import Doc, Listing, Source
from explorer.core.render.safe import printable_fields
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


def _doc_renderer() -> Callable[[Doc, Style, int], str]:
    # Imported while the worker imports the target: the reST pipeline (docutils) is
    # the slowest part of this process's start, and only --doc needs it.
    from explorer.core.render.text import render_doc

    return render_doc


def run_view(args: argparse.Namespace) -> int:
    meanwhile = _doc_renderer if args.doc and not args.json else None
    result = ask_worker(view_request(args), timeout=args.timeout, meanwhile=meanwhile)
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
        Doc: lambda doc, style: _doc_renderer()(doc, style, shutil.get_terminal_size().columns),
        Source: render_source,
        Text: lambda text, _style: text.text,
    }
    # A Doc is made printable by its renderer, after the reST is read (an escaped
    # `\x1b` would read as a reST escape).
    shown = result if isinstance(result, Doc) else printable_fields(result)
    sys.stdout.write(render[type(result)](shown, style))
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
        if len(member.name) >= width and shown:  # a long name: its summary on the next line
            lines += [f" {mark}{member.name}", f"  {' ' * width}{shown}"]
        else:
            lines.append(f" {mark}{member.name.ljust(width)}{shown}".rstrip())
    if any(member.exported for member in listing.members):
        lines += ["", style.dim("* named in __all__")]
    return "\n".join(lines) + "\n"


def render_source(source: Source, style: Style) -> str:
    if source.error:
        return source.error + "\n"
    header = style.dim(f"# {source.file}:{source.line}")
    return f"{header}\n{source.text}"
