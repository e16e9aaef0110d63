"""The running views: --run-examples, --snippets and --snippet NAME.

Code only ever runs in kernel subprocesses (explorer.proc); this module
formats what comes back, as text lines or one JSON document.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TextIO

from explorer import settings, snippets
from explorer.cli.textout import Style, indent, printable
from explorer.core import check
from explorer.core.model import Plot, RunResult, RunStatus
from explorer.proc.batch import BatchReport, BlockResult, run_examples
from explorer.proc.client import EventHandler, WorkerClient
from explorer.proc.messages import Event, Output, RunRequest

DIFF_LINES = 12  # diff lines shown under a "differs" line; --json has everything
_COUNT_WORDS = (
    ("passed", "passed"),
    ("differs", "differ"),
    ("error", "errors"),
    ("skipped", "skipped"),
    ("timeout", "timed out"),
    ("crashed", "crashed"),
)


def run(args: argparse.Namespace) -> int:
    if args.timeout is None:
        args.timeout = settings.RUN_EXAMPLES_TIMEOUT
    if args.run_examples:
        return _run_examples(args)
    if args.snippets:
        return _list_snippets(args)
    return _run_snippet(args)


# ---- --run-examples -------------------------------------------------------------------


def _run_examples(args: argparse.Namespace) -> int:
    out = sys.stdout
    style = Style.for_stream(out)

    def print_line(_index: int, result: BlockResult) -> None:
        out.write(format_result(result, style))
        out.flush()

    callback = None if args.json else print_line
    report = asyncio.run(run_examples(args.target, timeout=args.timeout, on_result=callback))
    if args.json:
        json.dump(report.to_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(summary_line(report) + "\n")
        if report.unsearched:
            out.write(unsearched_note(report.unsearched) + "\n")
    return 0


def unsearched_note(names: list[str], shown: int = 5) -> str:
    listed = ", ".join(names[:shown]) + (
        f" and {len(names) - shown} more" if len(names) > shown else ""
    )
    return (
        f"note: not searched, because nothing imported them: {listed} "
        f"(run one by name: explore {names[0]} --run-examples)"
    )


def format_result(result: BlockResult, style: Style) -> str:
    verdict = result.verdict.verdict
    label = f"{verdict:<8}"
    label = style.bold(label) if verdict in check.FATAL or verdict == check.DIFFERS else label
    line = f"{label} {result.block.location}"
    if result.message:
        line += "  " + style.dim(f"({_one_line(result.message)})")
    lines = [line, *(f"         note: {note}" for note in result.notes)]
    failure = result.verdict.first_failure
    if verdict == check.DIFFERS and failure is not None:
        lines.append(indent(_difference(failure.expected, failure.got), 9))
    return "\n".join(lines) + "\n"


def _difference(expected: str, got: str) -> str:
    if "\n" not in expected.strip() and "\n" not in got.strip():
        return f"expected: {expected.strip()}\ngot:      {got.strip()}"
    diff = check.unified_diff(expected.strip(), got.strip()).splitlines()
    if len(diff) > DIFF_LINES:
        diff = [*diff[:DIFF_LINES], f"... ({len(diff) - DIFF_LINES} more diff lines)"]
    return "\n".join(diff)


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def summary_line(report: BatchReport) -> str:
    counts = report.counts()
    parts = [f"{counts[key]} {word}" for key, word in _COUNT_WORDS]
    examples = "example" if len(report.results) == 1 else "examples"
    return (
        f"{', '.join(parts)} — {len(report.results)} {examples} of {report.target} "
        f"in {report.seconds:.2f} s"
    )


# ---- --snippets / --snippet NAME ------------------------------------------------------


def _list_snippets(args: argparse.Namespace) -> int:
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
