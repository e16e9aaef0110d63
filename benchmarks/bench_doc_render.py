"""Cost of rendering one docstring, on every member of torch.distributions, next to pydoc.

Usage: .venv/bin/python benchmarks/bench_doc_render.py [--repeat N]

For each object (the module's public members and their own methods and
properties) it times, best of --repeat runs:

  parse     docstring -> Doc record (core.docs.doc_of: what the worker does)
  markdown  Doc -> Doc-tab Markdown at 100 columns (core.render.markdown)
  text      Doc -> `--doc` text at 80 columns (core.render.text)
  total     parse + markdown: a docstring as the Doc tab shows it (goal: median <= 5 ms)
  documented  total, over the objects that have a docstring of their own

and, as the baseline measured in the same run, pydoc's text rendering of the
same object (`pydoc.plaintext.document`, what help() prints). Prints median
and p95 of each, and the one-time cost of setting up the reST parser.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import pydoc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch.distributions  # noqa: F401  (imported before timing starts)

from explorer.core.docs import doc_of
from explorer.core.members import list_members
from explorer.core.model import Doc, Kind
from explorer.core.render.markdown import doc_markdown
from explorer.core.resolve import resolve

try:
    from explorer.core.render.text import render_doc
except ImportError:  # a checkout from before the shared pipeline (to measure "before")
    from explorer.cli.textout import Style
    from explorer.cli.views import render_doc as _old_render_doc

    def render_doc(doc: Doc, style: object = None, width: int = 80) -> str:  # type: ignore[misc]
        return _old_render_doc(doc, Style(False))


MODULE = "torch.distributions"


def targets() -> list[str]:
    names = []
    for member in list_members(MODULE).members:
        if member.kind == Kind.MODULE:
            continue
        names.append(member.qualname)
        if member.kind.is_class:
            names += [m.qualname for m in list_members(member.qualname).members
                      if not m.inherited_from and m.kind != Kind.DATA]  # fmt: skip
    return names


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def markdown(doc: Doc) -> str:
    try:
        return doc_markdown(doc, width=100)
    except TypeError:  # before the view's width was known
        return doc_markdown(doc)


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (f"{name:<10} median {statistics.median(values):6.2f} ms   p95 {p95:6.2f} ms   "
            f"max {ordered[-1]:7.2f} ms")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    render_doc(Doc(name="x", qualname="m.x", kind=Kind.FUNCTION, description="`warm` *up*"))
    setup = (time.perf_counter() - start) * 1000
    names = targets()
    stages: dict[str, list[float]] = {"parse": [], "markdown": [], "text": [], "total": [],
                                      "documented": [], "pydoc": []}  # fmt: skip
    slowest: list[tuple[float, str]] = []
    with contextlib.redirect_stderr(io.StringIO()):
        for name in names:
            resolved = resolve(name)
            doc = doc_of(resolved)
            parse = best(lambda r=resolved: doc_of(r), args.repeat)
            shown = best(lambda d=doc: markdown(d), args.repeat)
            stages["parse"].append(parse)
            stages["markdown"].append(shown)
            stages["text"].append(best(lambda d=doc: render_doc(d, None, 80), args.repeat))
            stages["total"].append(parse + shown)
            if doc.raw.strip():
                stages["documented"].append(parse + shown)
            obj = resolved.obj
            stages["pydoc"].append(best(lambda o=obj: pydoc.plaintext.document(o), args.repeat))
            slowest.append((parse + shown, name))
    print(f"{len(names)} docstrings of {MODULE} (members and their own methods/properties), "
          f"best of {args.repeat}; reST parser set-up once: {setup:.1f} ms")  # fmt: skip
    for name, values in stages.items():
        print(summary(name, values))
    print("goal: total median <= 5 ms; slowest:")
    for total, name in sorted(slowest, reverse=True)[:5]:
        print(f"  {total:7.2f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
