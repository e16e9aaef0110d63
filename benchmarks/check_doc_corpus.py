"""Markup leaks in rendered docs, over a fixed corpus of real torch, numpy and stdlib objects.

Usage: .venv/bin/python benchmarks/check_doc_corpus.py [--limit N] [--show NAME] [--all]

Each object is rendered with the pipeline `explore X --doc` uses (core.docs.get_doc,
then core.render.text.render_doc at 80 columns) and with the Doc tab's Markdown
(core.render.markdown.doc_markdown at 100 columns). An object leaks when either
output shows reST debris:

  directive    a `.. name::` (or `.. name:`) line
  role         `:role:`text`` syntax
  table        a grid-table border (`+----+`) outside a table
  underline    a line of only `----`/`====`/`--` (a section heading or a stray marker)
  math         `\\(`/`\\)` delimiters or a LaTeX command (`\\frac`) outside code
  backquotes   a ``double backquoted`` literal left as markup (CLI text)
  duplicate    an example's first line in the prose as well as under Examples
  lost         a docstring with text whose rendering shows none of it

Prints the corpus size, the leak rate (goal <= 2%), counts per kind, the worst
offenders with the offending line, and how many fragments fell back to "shown as
written". `--show NAME` prints one object's two renderings.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.core.docs import get_doc
from explorer.core.members import list_members
from explorer.core.model import Doc, Kind
from explorer.core.objects import split_signature_line
from explorer.core.render.markdown import doc_markdown

try:
    from explorer.core.render.text import render_doc
except ImportError:  # a checkout from before the shared pipeline (to measure "before")
    from explorer.cli.views import render_doc as _old_render_doc

    def render_doc(doc: Doc, style: object, width: int) -> str:  # type: ignore[misc]
        from explorer.cli.textout import Style

        return _old_render_doc(doc, Style(False))


# (module, how many of its public members, how many methods of each class among them)
CORPUS = [
    ("torch.distributions", 40, 3), ("torch.nn", 50, 1), ("torch.nn.functional", 50, 0),
    ("torch.linalg", 30, 0), ("torch.autograd", 15, 2), ("numpy", 50, 0),
    ("json", 10, 3), ("collections", 10, 4), ("itertools", 15, 0), ("functools", 12, 0),
    ("pathlib", 6, 6), ("re", 12, 0), ("statistics", 20, 0), ("decimal", 8, 6),
    ("asyncio", 40, 0),
]  # fmt: skip
SEED = ["builtins.print", "collections.OrderedDict.clear", "json.JSONDecoder", "numpy.bool",
        "torch.AggregationType", "torch.distributions.kl.kl_divergence",
        "builtins.int"]  # fmt: skip

CHECKS = {
    "directive": re.compile(r"^[ \t]*\.\.[ \t]+[\w:-]+::?(\s|$)", re.MULTILINE),
    "role": re.compile(r":[\w:-]+:`[^`\n]*`"),
    "table": re.compile(r"\+[-=]{3,}\+"),
    "underline": re.compile(r"^[ \t]*([-=~^*+#])\1+[ \t]*$", re.MULTILINE),
}
MATH = re.compile(r"\\[()]|\\[a-zA-Z]{2,}")
BACKQUOTES = re.compile(r"``[^`\n]+``")
FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,}).*?^[ \t>]*\1[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)[^`]*?\1")


def corpus(limit: int | None) -> list[str]:
    """The fixed sample: public members in listing order, plus some methods of classes."""
    names: list[str] = list(SEED)
    for module, count, methods in CORPUS:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            importlib.import_module(module)
            members = [m for m in list_members(module).members if m.kind != Kind.MODULE]
        for member in members[:count]:
            names.append(member.qualname)
            if member.kind.is_class and methods:
                own = [
                    m
                    for m in list_members(member.qualname).members
                    if not m.inherited_from and m.kind in (Kind.METHOD, Kind.PROPERTY)
                ]
                names += [m.qualname for m in own[:methods]]
    unique = list(dict.fromkeys(names))
    return unique[:limit] if limit else unique


def prose_of_markdown(markdown: str) -> str:
    """The Markdown without code blocks and code spans (an escaped backquote is text)."""
    return CODE_SPAN.sub("", FENCE.sub("", markdown).replace("\\`", "'"))


def leaks(doc: Doc, text: str, markdown: str) -> list[tuple[str, str]]:
    """(kind, offending line) for every leak in the two renderings."""
    found: list[tuple[str, str]] = []
    before_examples = text.split("\nExamples (", 1)[0]
    for kind, pattern in CHECKS.items():
        for output in (before_examples, prose_of_markdown(markdown)):
            match = pattern.search(output)
            if match:
                found.append((kind, _line_at(output, match.start())))
                break
    prose = prose_of_markdown(markdown)
    if match := MATH.search(prose):
        found.append(("math", _line_at(prose, match.start())))
    if match := BACKQUOTES.search(before_examples):
        found.append(("backquotes", _line_at(before_examples, match.start())))
    for example in doc.examples:
        first = example.source.strip().split("\n")[0].strip()
        if len(first) >= 8 and f">>> {first}" in before_examples:
            found.append(("duplicate", first))
            break
    text_beyond_signature = split_signature_line(doc.raw)[1].strip()
    if text_beyond_signature and not (doc.description or doc.summary or doc.notes or doc.examples
                                      or any(p.description for p in doc.params)):  # fmt: skip
        found.append(("lost", doc.raw.strip().split("\n")[0][:70]))
    return found


def _line_at(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[start : end if end >= 0 else None].strip()[:90]


def render(target: str) -> tuple[Doc, str, str]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        doc = get_doc(target)
    try:
        markdown = doc_markdown(doc, width=100)
    except TypeError:  # before the view's width was known
        markdown = doc_markdown(doc)
    return doc, render_doc(doc, None, 80), markdown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="check only the first N objects")
    parser.add_argument("--show", help="print the two renderings of one object")
    parser.add_argument("--all", action="store_true", help="list every leaking object")
    args = parser.parse_args()
    if args.show:
        doc, text, markdown = render(args.show)
        print(text, "\n" + "=" * 80 + "\n", markdown, sep="")
        for kind, line in leaks(doc, text, markdown):
            print(f"LEAK {kind}: {line}")
        return 0
    start = time.perf_counter()
    names = corpus(args.limit)
    offenders: list[tuple[str, list[tuple[str, str]]]] = []
    kinds: Counter[str] = Counter()
    fallbacks = errors = 0
    for name in names:
        try:
            doc, text, markdown = render(name)
        except Exception as exc:  # noqa: BLE001 - a corpus object that cannot be resolved
            errors += 1
            print(f"error  {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        fallbacks += text.count("(shown as written:")
        found = leaks(doc, text, markdown)
        if found:
            offenders.append((name, found))
            kinds.update({kind for kind, _ in found})
    checked = len(names) - errors
    rate = len(offenders) / max(checked, 1)
    print(f"corpus: {checked} objects rendered ({errors} could not be), "
          f"{time.perf_counter() - start:.1f} s")  # fmt: skip
    print(f"leaking: {len(offenders)} ({rate:.1%}; goal <= 2.0%)")
    print("by kind: " + (", ".join(f"{k} {n}" for k, n in kinds.most_common()) or "none"))
    print(f"fragments shown as written (with the reason noted): {fallbacks}")
    shown = offenders if args.all else sorted(offenders, key=lambda o: -len(o[1]))[:15]
    if shown:
        print("worst offenders:" if not args.all else "all offenders:")
    for name, found in shown:
        print(f"  {name}")
        for kind, line in found:
            print(f"      {kind:<10} {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
