"""The non-TUI views: --list, --doc, --help-text and --source, as text or JSON.

The CLI is one shot, so it calls the core in-process. Whatever the target
module prints while importing goes to stderr, so stdout stays one clean
document for pipes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from typing import Any

from explorer.cli.textout import Style
from explorer.core.model import Doc, Listing, Source
from explorer.core.render.text import render_doc


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send fd 1 and sys.stdout to stderr while user code may run."""
    sys.stdout.flush()
    saved_fd = os.dup(1)
    saved_stream = sys.stdout
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved_fd, 1)
        os.close(saved_fd)
        sys.stdout = saved_stream


def _compute(args: argparse.Namespace) -> Any:
    with stdout_to_stderr():
        if args.list:
            from explorer.core.members import list_members

            return list_members(args.target, private=args.private, dunder=args.dunder)
        from explorer.core import docs

        if args.doc:
            return docs.get_doc(args.target)
        if args.help_text:
            return docs.help_text(args.target)
        return docs.get_source(args.target)


def run_view(args: argparse.Namespace) -> int:
    result = _compute(args)
    if args.json:
        payload = result if isinstance(result, str) else result.to_dict()
        if args.help_text:
            payload = {"target": args.target, "text": result}
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    style = Style.for_stream(sys.stdout)
    render: dict[type, Callable[[Any, Style], str]] = {
        Listing: render_listing,
        Doc: lambda doc, style: render_doc(doc, style, shutil.get_terminal_size().columns),
        Source: render_source,
        str: lambda text, _style: text,
    }
    sys.stdout.write(render[type(result)](result, style))
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


def render_source(source: Source, style: Style) -> str:
    if source.error:
        return source.error + "\n"
    header = style.dim(f"# {source.file}:{source.line}")
    return f"{header}\n{source.text}"
