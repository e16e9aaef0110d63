"""The running views: --run-examples, --snippets and --snippet NAME.

Code only ever runs in kernel subprocesses (explorer.proc); this module
formats what comes back, as text lines or one JSON document.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from explorer import settings
from explorer.cli.textout import Style, indent
from explorer.core.model import Plot, RunResult, RunStatus
from explorer.core.render.safe import printable
from explorer.proc.client import EventHandler, WorkerClient
from explorer.proc.messages import Event, Output, RunRequest

if TYPE_CHECKING:
    from explorer.proc.batch import BatchReport, BlockResult, Collected, ImportLimits

# explorer.proc.batch brings the example checker (xdoctest, ~50 ms to import): it is
# imported after the first kernel has been started, so the two overlap.

DIFF_LINES = 12  # diff lines shown under a "differs" line; --json has everything
LISTED = 10  # import failures named one per line; --json has them all


def run(args: argparse.Namespace) -> int:
    if args.run_examples:
        return _run_examples(args)  # it needs to know whether --timeout was given
    if args.timeout is None:
        args.timeout = settings.RUN_EXAMPLES_TIMEOUT
    if args.snippets:
        return _list_snippets(args)
    return _run_snippet(args)


def _run_timeout(args: argparse.Namespace) -> float:
    return settings.RUN_EXAMPLES_TIMEOUT if args.timeout is None else float(args.timeout)


# ---- --run-examples -------------------------------------------------------------------


def import_limits(timeout: float | None) -> ImportLimits:
    """--timeout, when given, bounds the target's import and each submodule's too."""
    from explorer.proc.batch import ImportLimits

    if timeout is None:
        return ImportLimits(hint="give it more time with --timeout S")
    return ImportLimits(
        target=timeout,
        submodule=timeout,
        hint=f"--timeout {timeout:g} bounds each import too; give more with --timeout S",
    )


def _run_examples(args: argparse.Namespace) -> int:
    out = sys.stdout
    style = Style.for_stream(out)

    def print_header(found: Collected) -> None:
        out.writelines(f"{line}\n" for line in header_lines(args.target, args.setup,
                                                            len(found.blocks)))  # fmt: skip
        out.flush()

    def print_line(_index: int, result: BlockResult) -> None:
        out.write(format_result(result, style))
        out.flush()

    printing = not args.json
    report = asyncio.run(
        _collect_and_run(args, print_header if printing else None, print_line if printing else None)
    )
    if args.json:
        json.dump(report.to_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(summary_line(report) + "\n")
        out.writelines(line + "\n" for line in notes(report))
    return 0


async def _collect_and_run(
    args: argparse.Namespace,
    on_collected: Callable[[Collected], None] | None,
    on_result: Callable[[int, BlockResult], None] | None,
) -> BatchReport:
    first = WorkerClient("kernel", timeout=_run_timeout(args))
    try:
        await first.start()
    except BaseException:
        await first.close()
        raise
    from explorer.proc.batch import run_examples

    return await run_examples(
        args.target,
        timeout=_run_timeout(args),
        limits=import_limits(args.timeout),
        setup=args.setup,
        submodules=not args.loaded_only,
        on_result=on_result,
        on_collected=on_collected,
        first=first,
    )


def header_lines(target: str, setup: str | None, found: int) -> list[str]:
    """Said before the first result: how many blocks were found, where they run, and
    what every block's namespace holds."""
    from explorer.core.conventions import conventions, describe_conventions

    package = target.split(".")[0]
    options = settings.EXAMPLE_OPTIONS.get(package, ())
    checked = f", checked with {' '.join(options)} as {package}'s CI does" if options else ""
    lead = "namespace: its module's globals"
    if setup is not None:
        namespace = f"{lead}, then --setup {_one_line(setup, 80)!r}{checked}"
    elif pairs := conventions(target):
        namespace = (
            f"{lead} + {describe_conventions(pairs)}{checked} "
            f"({package}'s conventions; --setup CODE replaces them)"
        )
    else:
        namespace = f"{lead}{checked} ({package} has no conventions; --setup CODE adds names)"
    where = "run in a temporary working directory, removed afterwards"
    return [f"{_count(found, 'example')} of {target} ({where})", namespace]


def notes(report: BatchReport) -> list[str]:
    found = report.collection
    lines: list[str] = []
    if found.imported:
        lines.append(
            f"note: imported {_count(len(found.imported), 'submodule')} that {report.target} "
            f"does not import itself ({_listed(found.imported)}), to search them too "
            f"(--loaded-only leaves them out)"
        )
    if found.import_failures:
        count = len(found.import_failures)
        lines.append(f"note: skipped {_count(count, 'submodule')} that could not be imported:")
        for failure in found.import_failures[:LISTED]:
            lines.append(f"  {failure.module}: {_one_line(failure.why)}")
        if count > LISTED:
            lines.append(f"  ... and {count - LISTED} more (--json lists them all)")
    if found.unsearched:
        lines.append(unsearched_note(found.unsearched))
    return lines


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _listed(names: Sequence[str], shown: int = 5) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def unsearched_note(names: Sequence[str], shown: int = 5) -> str:
    return (
        f"note: not searched, because nothing imported them: {_listed(names, shown)} "
        f"(run one by name: explore {names[0]} --run-examples)"
    )


def format_result(result: BlockResult, style: Style) -> str:
    from explorer.core import check

    verdict = result.verdict
    label = f"{verdict.label:<8}"
    if verdict.verdict in check.FATAL or (verdict.verdict == check.DIFFERS and not verdict.random):
        label = style.bold(label)
    line = f"{label} {printable(result.block.location)}"
    if result.message:
        line += "  " + style.dim(f"({_one_line(result.message)})")
    lines = [line, *(f"         note: {printable(note)}" for note in result.notes)]
    failure = verdict.first_failure
    if verdict.verdict == check.DIFFERS and not verdict.random and failure is not None:
        lines.append(indent(_difference(failure.expected, failure.got), 9))
    return "\n".join(lines) + "\n"


def _difference(expected: str, got: str) -> str:
    from explorer.core import check

    expected, got = printable(expected), printable(got)
    if "\n" not in expected.strip() and "\n" not in got.strip():
        return f"expected: {expected.strip()}\ngot:      {got.strip()}"
    diff = check.unified_diff(expected.strip(), got.strip()).splitlines()
    if len(diff) > DIFF_LINES:
        diff = [*diff[:DIFF_LINES], f"... ({len(diff) - DIFF_LINES} more diff lines)"]
    return "\n".join(diff)


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(printable(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def summary_line(report: BatchReport) -> str:
    """collected / passed / differs (random) / errors / skipped / timed out / crashed."""
    counts = report.counts()
    return (
        f"{len(report.results)} collected: {counts['passed']} passed, "
        f"{counts['differs']} differ ({counts['random']} random output), "
        f"{_count(counts['error'], 'error')}, {counts['skipped']} skipped, "
        f"{counts['timeout']} timed out, {counts['crashed']} crashed "
        f"— examples of {report.target} in {report.seconds:.2f} s"
    )


# ---- --snippets / --snippet NAME ------------------------------------------------------


def _list_snippets(args: argparse.Namespace) -> int:
    from explorer import snippets

    library = snippets.list_snippets()
    if args.json:
        json.dump([s.to_dict() for s in library], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    width = max(len(s.name) for s in library)
    style = Style.for_stream(sys.stdout)
    for snippet in library:
        sys.stdout.write(f"{style.bold(snippet.name.ljust(width))}  {snippet.title}\n")
    return 0


def _run_snippet(args: argparse.Namespace) -> int:
    from explorer import snippets

    snippet = snippets.get_snippet(args.snippet)
    out = sys.stdout
    style = Style.for_stream(out)
    if not args.json:
        out.write(f"{style.heading(snippet.title)}\n\n{snippet.explanation}\n\n")
        out.write(f"{style.bold('Code')}\n{indent(snippet.code.rstrip(), 4)}\n\n")
        out.write(f"{style.bold('Output')}\n")
        out.flush()
    recorder = _SnippetOutput(None if args.json else out)
    result = asyncio.run(_run_in_kernel(snippet.code, args.timeout, recorder.on_event))
    if args.json:
        document = {
            **snippet.to_dict(), "stdout": result.stdout, "stderr": recorder.stderr,
            "plots": [plot.to_dict() for plot in result.plots], "result": result.to_dict(),
        }  # fmt: skip
        json.dump(document, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    recorder.finish(result, style)
    return 0


async def _run_in_kernel(code: str, timeout: float, on_event: EventHandler) -> RunResult:
    async with WorkerClient("kernel", timeout=timeout) as kernel:
        return await kernel.run(RunRequest(code, fresh=True), timeout=timeout, on_event=on_event)


class _SnippetOutput:
    """Streams a snippet's output to the terminal as it comes."""

    def __init__(self, out: TextIO | None) -> None:
        self.out = out
        self.stderr = ""

    def on_event(self, event: Event) -> None:
        # Plots are described after the run: a plot event can overtake the text printed
        # before it, which reaches us through the kernel's output pipe.
        if isinstance(event, Output):
            if event.stream == "stderr":
                self.stderr += event.text
            self._write(event.text)

    def _write(self, text: str) -> None:
        if self.out is not None:
            self.out.write(printable(text))
            self.out.flush()

    def finish(self, result: RunResult, style: Style) -> None:
        if result.value_repr is not None:
            self._write(result.value_repr + "\n")
        for plot in result.plots:
            self._write(describe_plot(plot) + "\n")
        if result.status == RunStatus.ERROR:
            self._write(result.traceback or result.exception)
        elif result.status != RunStatus.OK:
            self._write(style.bold(f"[{result.status}] {result.message}") + "\n")


def describe_plot(plot: Plot) -> str:
    """A terminal stand-in for a chart: what it shows, and where each series ends."""
    title = plot.title or "plot"
    points = len(plot.series[0].y) if plot.series else 0
    lines = [
        f"[{plot.kind} plot: {title} — {len(plot.series)} series of {points} points; "
        "the TUI draws it]"
    ]
    for entry in plot.series:
        ys = [y for y in entry.y if isinstance(y, int | float)]
        if ys and len(ys) == len(entry.y):
            label = entry.label or "series"
            lines.append(
                f"    {label}: first {ys[0]:.4g}, last {ys[-1]:.4g}, "
                f"min {min(ys):.4g}, max {max(ys):.4g}"
            )
    return "\n".join(lines)
