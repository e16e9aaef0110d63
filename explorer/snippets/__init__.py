"""The snippet library: runnable lessons, one plain .py file each.

A snippet file starts with a module docstring: its first line is the title,
the rest a short explanation shown above the code. The name of a snippet is
its file stem. The files are read as text, never imported: running one is
the kernel's job.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass
from importlib import resources

from explorer.core.errors import UsageError


@dataclass(slots=True, frozen=True)
class Snippet:
    name: str  # file stem, what `explore --snippet NAME` takes
    title: str
    explanation: str
    code: str  # the runnable body, without the docstring
    source: str  # the whole file

    def to_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "title": self.title,
            "explanation": self.explanation,
            "code": self.code,
        }


def _parse(name: str, source: str) -> Snippet:
    tree = ast.parse(source, filename=f"{name}.py")
    docstring = ast.get_docstring(tree, clean=True) or ""
    title, _, explanation = docstring.partition("\n")
    body_start = 0
    if docstring and tree.body:
        # The code starts on the line after the docstring's closing quotes.
        body_start = tree.body[0].end_lineno or 0
    code = "\n".join(source.splitlines()[body_start:]).strip("\n") + "\n"
    return Snippet(name, title.strip() or name, explanation.strip(), code, source)


def _files() -> dict[str, str]:
    folder = resources.files(__name__)
    return {
        entry.name[:-3]: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".py") and not entry.name.startswith("_")
    }


def list_snippets() -> list[Snippet]:
    """Every snippet, ordered by name."""
    return [_parse(name, source) for name, source in sorted(_files().items())]


def names() -> list[str]:
    return sorted(_files())


def get_snippet(name: str) -> Snippet:
    """The snippet called `name`, or a UsageError that suggests close names."""
    files = _files()
    if name in files:
        return _parse(name, files[name])
    close = difflib.get_close_matches(name, files, n=3, cutoff=0.6)
    if not close:
        # A fragment ("grad") should still point somewhere useful.
        close = [known for known in sorted(files) if name.lower() in known][:3]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageError(f"no snippet named {name!r}{hint} (explore --snippets lists them)")
