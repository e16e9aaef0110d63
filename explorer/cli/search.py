"""`explore --search QUERY` and `explore --index PACKAGE|--all`: the search index from the shell.

Search opens stored SQLite indexes, queries them and prints; it never imports
the searched package (nor Textual), so a warm search costs milliseconds.
Without `--in` it asks every index present, routed by the query's first dotted
segment (`json.dumps` asks the standard library's). A missing index is built
first (progress on stderr); a stale one answers at once while a detached process
rebuilds it; a corrupt one is discarded and rebuilt; a query SQLite refuses is
the query's fault (one line, exit 2) and the index is kept.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from explorer import settings
from explorer.cli.textout import Style
from explorer.core.errors import UsageError
from explorer.core.render.safe import printable
from explorer.core.search.library import Library, index_home
from explorer.core.search.names import check_package
from explorer.core.search.query import Hit, parse_query
from explorer.core.search.scoring import Span
from explorer.core.search.store import IndexCorrupt, IndexKey

if TYPE_CHECKING:
    from explorer.proc.search.build import Outcome

DEFAULT_PACKAGE = settings.DEFAULT_PACKAGE


def run(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    if args.index is not None or getattr(args, "all", False):
        return _index(args)
    return _search(args)


def search_scope(query: str, within: str | None) -> tuple[str | None, str]:
    """(package to open or None for every index, query text): `--in torch.distributions`
    becomes an in: filter; a standard-library module lives in the `stdlib` index."""
    if within is not None:
        if not within.strip(". "):
            raise UsageError("--in needs a package name, e.g. --in torch")
        top = within.split(".", 1)[0]
        check_package(top or within)  # "../etc": refused as typed, not as an empty name
        if ("." in within or index_home(top) != top) and "in:" not in query:
            query = f"{query} in:{within}"
        return index_home(top), query
    scope = parse_query(query).within
    if scope:
        return index_home(check_package(scope.split(".", 1)[0] or scope)), query
    return None, query


def _search(args: argparse.Namespace) -> int:
    if not args.search.strip():
        raise UsageError("empty search: give a name or some words, e.g. --search multinomial")
    parse_query(args.search)  # a query that is too long is refused before anything opens
    package, query = search_scope(args.search, args.within)
    if package is None:
        return _search_everything(args, query)
    outcome = _open_or_build(package)
    try:
        hits = outcome.index.search(query, args.limit)
    except IndexCorrupt as exc:
        outcome.index.close()
        outcome = _build(
            package, rebuild=True, notes=[f"the index was unreadable ({exc}): rebuilt"]
        )
        hits = outcome.index.search(query, args.limit)
    _print_notes(outcome.notes)
    if args.json:
        _print_json(package, outcome.index.meta.get("version"), query, outcome.stale, hits,
                    outcome.notes)  # fmt: skip
    else:
        _print_hits(hits, sys.stdout)
    outcome.index.close()
    return 0


def _search_everything(args: argparse.Namespace, query: str) -> int:
    library = Library.open()
    notes = list(library.notes)
    first = parse_query(query).expanded
    wanted = index_home(first[0]) if len(first) > 1 and first[0].isidentifier() else None
    missing = [p for p in (wanted,) if p and p not in library.indexes and _installed(p)]
    if not library.indexes and not missing:
        missing = [DEFAULT_PACKAGE]
        notes.append("searching torch only: `explore --index --all` indexes everything installed")
    for package in missing:
        library.indexes[package] = _build(package, notes=notes).index
    hits = library.search(query, args.limit)
    _print_notes(notes)
    if args.json:
        _print_json(None, None, query, False, hits, notes)
    else:
        _print_hits(hits, sys.stdout)
    library.close()
    return 0


def _installed(package: str) -> bool:
    try:
        IndexKey.for_package(package)
        from explorer.core.search.walk import package_files

        package_files(package)
    except UsageError:
        return False
    return True


def _open_or_build(package: str) -> Outcome:
    from explorer.proc.search.build import rebuild_in_background, stored_index

    notes: list[str] = []
    stored = stored_index(package, notes)
    if stored is None:
        return _build(package, notes=notes)
    if stored.stale:
        started = rebuild_in_background(package) is not None
        stored.notes.append(
            f"the index of {package} is out of date; these answers come from it"
            + (" while a new one builds in the background" if started else
               " (run `explore --index " + package + "` to rebuild it)")
        )  # fmt: skip
    return stored


def _build(
    package: str, *, private: bool | None = None, rebuild: bool = False,
    notes: list[str] | None = None,
) -> Outcome:  # fmt: skip
    from explorer.proc.search.build import collector_paused, ensure_index  # only to build

    started = time.monotonic()
    progress = _ProgressLine(package, sys.stderr)
    with collector_paused():  # this process only builds and prints: GC would be pure cost
        outcome = ensure_index(package, private=private, rebuild=rebuild, progress=progress,
                               waiting=_say, notes=notes)  # fmt: skip
    progress.end(outcome.index.entry_count, time.monotonic() - started)
    return outcome


def _say(message: str) -> None:
    print(f"explore: {message}", file=sys.stderr, flush=True)


def _index(args: argparse.Namespace) -> int:
    if getattr(args, "all", False):
        return _index_all(args)
    if not args.index.strip():
        raise UsageError("--index needs a package name (e.g. --index torch) or --all")
    package = index_home(check_package(args.index))
    started = time.monotonic()
    outcome = _build(package, private=args.private, rebuild=True)
    seconds = time.monotonic() - started
    meta = outcome.index.meta
    skipped = json.loads(meta.get("notes", "[]"))
    _print_notes(outcome.notes)
    if args.json:
        document = {
            "package": package, "version": meta.get("version"), "python": meta.get("python"),
            "entries": outcome.index.entry_count, "seconds": round(seconds, 3),
            "path": None if outcome.index.in_memory else str(IndexKey.for_package(package).path),
            "notes": skipped,
        }  # fmt: skip
        print(json.dumps(document, indent=2))
    else:
        for note in skipped:
            print(f"  {printable(note)}")
        version = meta.get("version", "")
        print(f"indexed {outcome.index.entry_count} entries of {package} {version} "
              f"in {seconds:.1f} s ({len(skipped)} modules skipped)")  # fmt: skip
    outcome.index.close()
    return 0


def _index_all(args: argparse.Namespace) -> int:
    if args.index or args.target:
        raise UsageError("give either --index PACKAGE or --index --all, not both")
    from explorer.proc.search.build import collector_paused
    from explorer.proc.search.everything import index_everything

    started = time.monotonic()
    progress = _ProgressLine("everything installed", sys.stderr)
    with collector_paused():
        report = index_everything(progress=progress)
    seconds = time.monotonic() - started
    entries = sum(report.entries.values())
    progress.end(entries, seconds)
    if args.json:
        document = {"packages": report.entries, "entries": entries,
                    "seconds": round(seconds, 3), "notes": report.notes}  # fmt: skip
        print(json.dumps(document, indent=2))
    else:
        for note in report.notes:
            print(f"  {printable(note)}")
        print(f"indexed {entries} entries of {len(report.entries)} packages in {seconds:.1f} s "
              f"({len(report.notes)} notes)")  # fmt: skip
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
            self.stream.write(f"\r\x1b[K  {done}/{total} {printable(module)}"[:200])
            self.stream.flush()

    def end(self, entries: int, seconds: float) -> None:
        if not self.started:
            return
        if self.live:
            self.stream.write("\r\x1b[K")
        self.stream.write(f"explore: indexed {entries} entries in {seconds:.1f} s\n")
        self.stream.flush()


def _print_notes(notes: list[str]) -> None:
    for note in notes:
        print(f"explore: note: {printable(note)}", file=sys.stderr)


def _print_json(
    package: str | None, version: str | None, query: str, stale: bool, hits: list[Hit],
    notes: list[str],
) -> None:  # fmt: skip
    document = {
        "package": package, "version": version, "query": query, "stale": stale,
        "hits": [hit.to_dict() for hit in hits], "notes": notes,
    }  # fmt: skip
    print(json.dumps(document, indent=2))


def _print_hits(hits: Sequence[Hit], stream: TextIO) -> None:
    style = Style.for_stream(stream)
    if not hits:
        print("no matches", file=sys.stderr)
        return
    if all(hit.guess for hit in hits):
        print("explore: no match; did you mean one of these?", file=sys.stderr)
    kind_width = max(len(hit.kind) for hit in hits)
    name_width = min(max(len(hit.name) for hit in hits), 60)
    for hit in hits:
        name = _marked(printable(hit.name), hit.name_spans, style)
        padding = " " * max(name_width - len(hit.name), 0)
        summary = _marked(printable(hit.summary), hit.summary_spans, style)
        line = f"{style.dim(hit.kind.ljust(kind_width))}  {name}{padding}  {summary}"
        if hit.also:
            line += style.dim(f"  (also {', '.join(hit.also[:3])})")
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
