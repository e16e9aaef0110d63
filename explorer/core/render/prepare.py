"""Docstring text made ready for section parsing (done where the object is, in the worker).

- Example blocks that became `Example` records leave the prose, with a marker
  where they stood, so no reader sees them twice.
- Notes (`Note:` sections, `.. note::`, `.. warning::` ...) become sections; version
  directives stay where they stand, as in the published docs.
- Argument Clinic's plain parameter lists (`sep\\n  string inserted ...`, as in
  `print`) become parameter descriptions.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Sequence

from explorer.core.model import Example, Section

_PROMPT = re.compile(r"^(?P<indent>[ \t]*)>>>(?: |$)")
_EXAMPLE_HEADER = re.compile(
    r"^\s*(?:Examples?|Usage|Example usage|For example)\s*:{1,2}\s*$", re.IGNORECASE
)
_CODE_DIRECTIVE = re.compile(
    r"^\s*\.\.\s+(?:code-block|code|sourcecode|doctest|testcode|ipython)::", re.IGNORECASE
)
_OPTION_LINE = re.compile(r"^\s+:[\w-]+:")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _marker(numbers: Sequence[int]) -> str:
    if len(numbers) == 1:
        return f"*(Example {numbers[0]} below)*"
    return f"*(Examples {numbers[0]}–{numbers[-1]} below)*"


_MARKER_LINE = re.compile(r"\n*[ \t]*\*\(Examples? [\d–]+ below\)\*[ \t]*$")


def drop_trailing_markers(prose: str) -> str:
    """Markers with nothing after them: the Examples heading follows right there."""
    while (match := _MARKER_LINE.search(prose)) and match.start() != 0:
        prose = prose[: match.start()].rstrip()
    return prose


def _example_group(lines: list[str], start: int) -> int:
    """End (exclusive) of the `>>>` runs from `start`: prompts, continuations and
    outputs, and further runs at the same indent separated only by blank lines."""
    indent = _indent(lines[start])
    end = start
    while True:
        while end < len(lines) and lines[end].strip() and _indent(lines[end]) >= indent:
            end += 1
        following = end
        while following < len(lines) and not lines[following].strip():
            following += 1
        prompt = _PROMPT.match(lines[following]) if following < len(lines) else None
        if prompt is None or len(prompt["indent"]) != indent:
            return end
        end = following


def _intro(lines: list[str], start: int, indent: int) -> int | None:
    """The line that opens the block holding the examples: a header, `text::` or a
    code directive, less indented than they are."""
    index = start - 1
    while index >= 0 and (not lines[index].strip() or _OPTION_LINE.match(lines[index])):
        index -= 1
    if index < 0 or _indent(lines[index]) >= indent:
        return None
    line = lines[index]
    if _EXAMPLE_HEADER.match(line) or line.rstrip().endswith("::") or _CODE_DIRECTIVE.match(line):
        return index
    return None


def _block_is_only(lines: list[str], intro: int, end: int) -> bool:
    """Nothing but the examples sits in the block the intro line opens."""
    following = end
    while following < len(lines) and not lines[following].strip():
        following += 1
    return following >= len(lines) or _indent(lines[following]) <= _indent(lines[intro])


def _replace_intro(line: str, marker: str) -> str:
    head = " " * _indent(line)
    text = line.strip()
    if _EXAMPLE_HEADER.match(line) or _CODE_DIRECTIVE.match(line) or text == "::":
        return head + marker
    return f"{head}{text[:-2].rstrip()}: {marker}"


def remove_examples(doc: str, examples: Sequence[Example]) -> str:
    """The docstring without the `>>>` blocks that `examples` were read from."""
    lines = doc.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        if not _PROMPT.match(lines[index]):
            out.append(lines[index])
            index += 1
            continue
        end = _example_group(lines, index)
        numbers = [n for n, e in enumerate(examples, 1) if index <= e.lineno < end]
        if not numbers:  # xdoctest did not read these lines: they stay as a doctest block
            out += lines[index:end]
            index = end
            continue
        indent = _indent(lines[index])
        intro = _intro(lines, index, indent)
        if intro is None:
            out.append(" " * indent + _marker(numbers))
        elif _block_is_only(lines, intro, end):
            keep = len(out) - (index - intro)
            out[keep:] = [_replace_intro(lines[intro], _marker(numbers))]
        index = end
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


_NOTE_HEADER = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?P<google>Notes?|Warnings?|See Also|Seealso|Todo|Attention|Caution)"
    r":[ \t]*$|\.\. (?P<rest>note|warning|seealso|attention|caution|important|tip|hint|danger|"
    r"todo)::[ \t]*(?P<first>.*)$)",
    re.MULTILINE | re.IGNORECASE,
)
_TITLES = {"seealso": "See also", "see also": "See also", "notes": "Note", "warnings": "Warning"}


def _note_title(match: re.Match[str]) -> tuple[str, str]:
    """(title, first line of the body) for a note header."""
    name = (match["google"] or match["rest"]).lower()
    return _TITLES.get(name, name.title()), match["first"] or ""


def split_notes(description: str, *, top_level: bool = False) -> tuple[str, list[Section]]:
    """Move Google `Note:` blocks and reST `.. note::` directives out of the text.

    `top_level` takes only unindented headers: used on the whole docstring, where
    an indented `Note:` belongs to a parameter's description.
    """
    lines = description.splitlines()
    kept: list[str] = []
    notes: list[Section] = []
    index = 0
    while index < len(lines):
        match = _NOTE_HEADER.match(lines[index])
        if not match or (top_level and match["indent"]):
            kept.append(lines[index])
            index += 1
            continue
        indent = len(match["indent"])
        title, first = _note_title(match)
        body = [first] if first else []
        index += 1
        while index < len(lines) and (not lines[index].strip() or _indent(lines[index]) > indent):
            body.append(lines[index])
            index += 1
        notes.append(Section(title=title, text=_dedent(body)))
    return "\n".join(kept).strip(), notes


def _dedent(lines: list[str]) -> str:
    """The body of a note: its first line stands on the header line, the rest is indented."""
    if lines and lines[0][:1] not in (" ", "\t"):
        return inspect.cleandoc("\n".join(lines))
    return inspect.cleandoc("\n" + "\n".join(lines))


_TERM = re.compile(r"^(?P<indent>[ \t]*)(?P<name>\*{0,2}[A-Za-z_]\w*)[ \t]*$")


def plain_parameter_list(text: str, names: Sequence[str]) -> tuple[str, dict[str, str]]:
    """Take out a block of `name` lines, each followed by its indented description,
    when every name is one of `names` (the signature's parameters)."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        found, end = _parameter_block(lines, index, set(names))
        if found:
            rest = "\n".join(lines[:index] + lines[end:])
            return re.sub(r"\n{3,}", "\n\n", rest).strip(), found
        index += 1
    return text, {}


def _parameter_block(lines: list[str], start: int, names: set[str]) -> tuple[dict[str, str], int]:
    if start > 0 and lines[start - 1].strip():
        return {}, start  # a block starts a paragraph
    found: dict[str, str] = {}
    index = start
    while index < len(lines):
        term = _TERM.match(lines[index])
        if term is None or term["name"].lstrip("*") not in names:
            break
        body_start = index + 1
        index = body_start
        indent = len(term["indent"])
        while index < len(lines) and (not lines[index].strip() or _indent(lines[index]) > indent):
            if not lines[index].strip() and (
                index + 1 >= len(lines) or _indent(lines[index + 1]) <= indent
            ):
                break
            index += 1
        if index == body_start:
            break
        found[term["name"].lstrip("*")] = inspect.cleandoc("\n".join(lines[body_start:index]))
        while index < len(lines) and not lines[index].strip():
            index += 1
    return (found, index) if found else ({}, start)


_GOOGLE_HEADER = re.compile(
    r"^(?:Args|Arguments|Parameters|Params|Keyword Args|Keyword Arguments|Other Parameters|"
    r"Returns?|Yields?|Raises|Exceptions?|Attributes|Methods|Examples?|Notes?|Warnings?|"
    r"Todo|See Also|References|Receives|Warns)\s*:\s*$",
    re.IGNORECASE,
)


def detach_trailing_text(doc: str) -> tuple[str, str]:
    """Text that follows a Google section at its own indent (docstring-parser drops it;
    Napoleon shows it after the section): (the doc without it, that text)."""
    lines = doc.split("\n")
    kept: list[str] = []
    trailing: list[str] = []
    in_section = moved = False
    for line in lines:
        if _GOOGLE_HEADER.match(line):
            in_section, moved = True, False
        elif in_section and line.strip() and not line[:1].isspace():
            in_section, moved = False, True
        if moved:
            trailing.append(line)
        else:
            kept.append(line)
    return "\n".join(kept), "\n".join(trailing).strip()


_NUMPY_SECTIONS = {
    name.lower(): name
    for name in (
        "Parameters",
        "Other Parameters",
        "Receives",
        "Returns",
        "Yields",
        "Raises",
        "Warns",
        "Warnings",
        "See Also",
        "Notes",
        "References",
        "Examples",
        "Attributes",
        "Methods",
    )  # fmt: skip
}
_UNDERLINE = re.compile(r"^\s*-{3,}\s*$")


def normalize_numpy_headings(doc: str) -> str:
    """`See also` over a `----` line -> `See Also`: numpydoc reads headings in any case,
    docstring-parser only in the canonical one."""
    lines = doc.split("\n")
    for index in range(len(lines) - 1):
        canonical = _NUMPY_SECTIONS.get(" ".join(lines[index].split()).lower())
        if canonical and _UNDERLINE.match(lines[index + 1]):
            lines[index] = lines[index][: _indent(lines[index])] + canonical
    return "\n".join(lines)


_SEE_ALSO_ENTRY = re.compile(r"^(?P<names>[\w.~`:]+(?:\s*,\s*[\w.~`:]+)*)\s*(?::\s*(?P<text>.*))?$")


def see_also_entries(text: str) -> list[tuple[list[str], str]]:
    """numpydoc's See Also body (`name : text`, `a, b`, continuation lines indented) as
    (names, text) entries; empty when the body is prose instead."""
    entries: list[tuple[list[str], str]] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if line[:1].isspace() and entries:
            names, description = entries[-1]
            entries[-1] = (names, f"{description} {line.strip()}".strip())
            continue
        match = _SEE_ALSO_ENTRY.match(line.strip())
        if match is None:
            return []
        names = [name.strip().strip("`").lstrip("~") for name in match["names"].split(",")]
        entries.append((names, (match["text"] or "").strip()))
    return entries


_GOOGLE_PARAMETERS = re.compile(
    r"^(?P<indent>[ \t]*)(?:Args|Arguments|Parameters|Params|Keyword Args|Keyword Arguments|"
    r"Other Parameters|Attributes)\s*:\s*$"
)
_GOOGLE_ITEM = re.compile(r"^\s*\*{0,2}(?P<name>\w+)\s*(?:\([^)]*\))?\s*:(?P<first>.*)$")


def google_descriptions(doc: str) -> dict[str, str]:
    """Each Google `name (type): text` item's text with its blank lines and indentation
    (docstring-parser drops the blank lines, and with them lists and code blocks)."""
    lines = doc.split("\n")
    found: dict[str, str] = {}
    index = 0
    while index < len(lines):
        header = _GOOGLE_PARAMETERS.match(lines[index])
        index += 1
        if header is None:
            continue
        base, item_indent = len(header["indent"]), None
        while index < len(lines) and (not lines[index].strip() or _indent(lines[index]) > base):
            line = lines[index]
            if item_indent is None and line.strip():
                item_indent = _indent(line)
            item = _GOOGLE_ITEM.match(line) if _indent(line) == item_indent else None
            index += 1
            if item is None:
                continue
            body = [item["first"].strip()]
            while index < len(lines) and (
                not lines[index].strip() or _indent(lines[index]) > (item_indent or 0)
            ):
                body.append(lines[index])
                index += 1
            found[item["name"]] = _dedent_rest(body)
    return found


def _dedent_rest(lines: list[str]) -> str:
    """A first line, then the rest dedented as a block (blank lines kept)."""
    rest = textwrap.dedent("\n".join(lines[1:])).rstrip()
    return (lines[0] + ("\n" + rest if rest.strip() else "")).strip()
