"""`explore --search QUERY` and `explore --index PACKAGE`: the search index from the shell.

Search opens the stored SQLite index, queries it and prints; it never imports
the searched package (nor Textual), so a warm search costs milliseconds. A
missing index is built first (progress on stderr); a stale one answers at once
while a detached process rebuilds it; a corrupt one is discarded and rebuilt.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import TextIO

from explorer import settings
from explorer.cli.textout import Style
from explorer.core.errors import UsageError
from explorer.core.search.query import Hit, Span, parse_query
from explorer.core.search.store import IndexCorrupt, IndexKey, discard
from explorer.proc.search.build import (
    Outcome,
    ensure_index,
    rebuild_in_background,
    stored_index,
)

DEFAULT_PACKAGE = settings.DEFAULT_PACKAGE


def run(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    if args.index:
        return _index(args)
    return _search(args)


def search_scope(query: str, within: str | None) -> tuple[str, str]:
    """(package to open, query text): `--in torch.distributions` becomes an in: filter."""
    if within:
        package = within.split(".", 1)[0]
        if "." in within and "in:" not in query:
            query = f"{query} in:{within}"
        return package, query
    scope = parse_query(query).within
    return (scope.split(".", 1)[0] if scope else DEFAULT_PACKAGE), query


def _search(args: argparse.Namespace) -> int:
    if not args.search.strip():
        raise UsageError("empty search: give a name or some words, e.g. --search multinomial")
    package, query = search_scope(args.search, args.within)
    outcome = _open_or_build(package)
    try:
        hits = outcome.index.search(query, args.limit)
    except IndexCorrupt as exc:
        outcome.index.close()
        discard(IndexKey.for_package(package))
        outcome = _build(package, rebuild=True)
        outcome.notes.insert(0, f"the index was unreadable ({exc}): discarded and rebuilt")
        hits = outcome.index.search(query, args.limit)
    _notes(outcome)
    if args.json:
        _print_json(package, query, outcome, hits)
    else:
        _print_hits(hits, sys.stdout)
    outcome.index.close()
    return 0


def _open_or_build(package: str) -> Outcome:
    stored = stored_index(package)
    if stored is None:
        return _build(package)
    if stored.stale:
        rebuild_in_background(package)
        stored.notes.append(
            f"the index of {package} is out of date; these answers come from it while a "
            "new one builds in the background"
        )
    return stored


def _build(package: str, *, private: bool | None = None, rebuild: bool = False) -> Outcome:
    started = time.monotonic()
    progress = _ProgressLine(package, sys.stderr)
    outcome = ensure_index(package, private=private, rebuild=rebuild, progress=progress)
    progress.end(outcome, time.monotonic() - started)
    return outcome


def _index(args: argparse.Namespace) -> int:
    started = time.monotonic()
    outcome = _build(args.index, private=args.private, rebuild=True)
    seconds = time.monotonic() - started
    meta = outcome.index.meta
    skipped = json.loads(meta.get("notes", "[]"))
    _notes(outcome)
    if args.json:
        document = {
            "package": args.index, "version": meta.get("version"), "python": meta.get("python"),
            "entries": outcome.index.entry_count, "seconds": round(seconds, 3),
            "path": None if outcome.index.in_memory else str(IndexKey.for_package(args.index).path),
            "notes": skipped,
        }  # fmt: skip
        print(json.dumps(document, indent=2))
    else:
        for note in skipped:
            print(f"  {note}")
        version = meta.get("version", "")
        print(f"indexed {outcome.index.entry_count} entries of {args.index} {version} "
              f"in {seconds:.1f} s ({len(skipped)} modules skipped)")  # fmt: skip
    outcome.index.close()
    return 0


class _ProgressLine:
    """One updating line on a terminal; a start and an end line otherwise."""

    def __init__(self, package: str, stream: TextIO) -> None:
        self.package = package
        self.stream = stream
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self.started = False
        self.last = 0.0

    def __call__(self, done: int, total: int, module: str) -> None:
        if not self.started:
            self.started = True
            self.stream.write(f"explore: indexing {self.package} ({total} modules)...\n")
        now = time.monotonic()
        if self.live and (now - self.last > 0.05 or done == total):
            self.last = now
            self.stream.write(f"\r\x1b[K  {done}/{total} {module}"[:200])
            self.stream.flush()

    def end(self, outcome: Outcome, seconds: float) -> None:
        if not self.started:
            return
        if self.live:
            self.stream.write("\r\x1b[K")
        self.stream.write(
            f"explore: indexed {outcome.index.entry_count} entries in {seconds:.1f} s\n"
        )
        self.stream.flush()


def _notes(outcome: Outcome) -> None:
    for note in outcome.notes:
        print(f"explore: note: {note}", file=sys.stderr)


def _print_json(package: str, query: str, outcome: Outcome, hits: list[Hit]) -> None:
    meta = outcome.index.meta
    document = {
        "package": package, "version": meta.get("version"), "query": query,
        "stale": outcome.stale, "hits": [hit.to_dict() for hit in hits],
        "notes": outcome.notes,
    }  # fmt: skip
    print(json.dumps(document, indent=2))


def _print_hits(hits: Sequence[Hit], stream: TextIO) -> None:
    style = Style.for_stream(stream)
    if not hits:
        print("no matches", file=sys.stderr)
        return
    kind_width = max(len(hit.kind) for hit in hits)
    name_width = min(max(len(hit.name) for hit in hits), 60)
    for hit in hits:
        name = _marked(hit.name, hit.name_spans, style)
        padding = " " * max(name_width - len(hit.name), 0)
        summary = _marked(hit.summary, hit.summary_spans, style)
        line = f"{style.dim(hit.kind.ljust(kind_width))}  {name}{padding}  {summary}"
        stream.write(line.rstrip() + "\n")


def _marked(text: str, spans: Sequence[Span], style: Style) -> str:
    """`text` with the matched spans highlighted (nothing changes without colour)."""
    if not style.colour or not spans:
        return text
    pieces: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if start < position:
            continue
        pieces.append(text[position:start])
        pieces.append(style.highlight(text[start:end]))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
