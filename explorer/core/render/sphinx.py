"""Sphinx markup that plain docutils does not know, read the way Sphinx shows it.

docutils reports a Sphinx directive (`versionadded`, `seealso`, `testcode`,
`autosummary` ...) as unknown, and a docutils one with Sphinx's options
(`.. math::` with `:label:`, `.. code-block::` with `:linenos:`) as an error,
quoting its text either way; `read_directive` reads that quote. A role docutils
does not know (`:class:` left in a table, say) comes back as "problematic" text;
`problematic_spans` shows its text.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from explorer.core.links import ROLE, role_text
from explorer.core.render.blocks import (
    Admonition,
    Block,
    Code,
    ListBlock,
    MathBlock,
    Paragraph,
    Span,
    SpanKind,
)
from explorer.core.render.math import to_unicode

_HEAD = re.compile(r"^\.\.\s+(?P<name>[\w:.+-]+)::[ \t]*(?P<argument>.*)$")
_OPTION = re.compile(r"^:[\w-]+:")

VERSION_TITLES = {
    "versionadded": "Added in version",
    "versionchanged": "Changed in version",
    "deprecated": "Deprecated since version",
    "versionremoved": "Removed in version",
}
_UNVERSIONED = {"versionadded": "Added", "versionchanged": "Changed", "deprecated": "Deprecated",
                "versionremoved": "Removed"}  # fmt: skip
_TITLED = {"seealso": "See also", "todo": "Todo"}
_ADMONITIONS = frozenset({"attention", "caution", "danger", "error", "hint", "important", "note",
                          "tip", "warning"})  # fmt: skip
_CODE = frozenset({"testcode", "testsetup", "testcleanup", "testoutput", "doctest", "ipython",
                   "plot", "literalinclude", "jupyter-execute", "code-cell"})  # fmt: skip
_HIDDEN = frozenset({"toctree", "currentmodule", "module", "highlight", "index", "tabularcolumns",
                     "py:currentmodule", "py:module", "meta", "sectionauthor", "moduleauthor",
                     "codeauthor", "include", "raw"})  # fmt: skip
_TRANSPARENT = frozenset({"only", "hlist", "centered", "glossary", "container", "ifconfig",
                          "tab", "tabs", "cssclass"})  # fmt: skip
_NAMES = frozenset({"autosummary"})

Nested = Callable[[str], tuple[Block, ...]]


@dataclass(frozen=True, slots=True)
class Directive:
    name: str
    argument: str  # the text after `::`, with its continuation lines
    content: str  # the indented body after the options, dedented

    def blocks(self, nested: Nested) -> Iterator[Block]:
        name = self.name.removeprefix("py:")
        if name in _HIDDEN:
            return
        if name in VERSION_TITLES:
            version, _, rest = self.argument.partition(" ")
            title = f"{VERSION_TITLES[name]} {version}" if version else _UNVERSIONED[name]
            yield Admonition(title, nested(_join(rest, self.content)))
        elif name == "math":
            converted = to_unicode(self.content or self.argument)
            if converted.text:
                yield MathBlock(converted.text, latex=not converted.complete)
        elif name in ("code", "code-block", "sourcecode"):
            if self.content.strip():
                yield Code(self.content, self.argument.split(" ")[0])
        elif name in ("image", "figure"):
            if self.argument:
                yield Paragraph((Span(SpanKind.TEXT, f"[image: {self.argument}]"),))
            yield from nested(self.content)
        elif name in _ADMONITIONS:
            yield Admonition(name.capitalize(), nested(_join(self.argument, self.content)))
        elif name == "admonition":
            yield Admonition(self.argument or "Note", nested(self.content))
        elif name in _TITLED:
            yield Admonition(_TITLED[name], nested(_join(self.argument, self.content)))
        elif name in _CODE:
            if self.content.strip():
                yield Code(self.content, "" if name == "testoutput" else "python")
        elif name in _NAMES or name.startswith("auto"):
            yield from _names(self.argument, self.content)
        elif name in _TRANSPARENT:
            yield from nested(_join(self.argument if name == "centered" else "", self.content))
        elif self.argument and _is_description(name):  # py:function, method, class ...
            yield Code(self.argument, "python")
            yield from nested(self.content)
        else:
            title = name.replace("-", " ").replace("_", " ").capitalize()
            yield Admonition(title, nested(_join(self.argument, self.content)))


def _join(first: str, second: str) -> str:
    return "\n\n".join(part for part in (first.strip(), second) if part.strip())


def _is_description(name: str) -> bool:
    return name in {"function", "method", "class", "attribute", "data", "exception",
                    "decorator", "property", "classmethod", "staticmethod", "type"}  # fmt: skip


def _names(argument: str, content: str) -> Iterator[Block]:
    """`autosummary` / `autofunction` bodies: the names they document, as a list."""
    names = [argument.strip()] if argument.strip() else []
    names += [line.strip() for line in content.splitlines()
              if line.strip() and not _OPTION.match(line.strip())]  # fmt: skip
    if names:
        items = tuple((Paragraph((Span(SpanKind.CODE, name),)),) for name in names)
        yield ListBlock(items)


def read_directive(quoted: str) -> Directive | None:
    """The directive docutils quoted in a complaint (a directive it does not know, or one
    whose options or content it rejected), else None."""
    lines = quoted.splitlines()
    head = _HEAD.match(lines[0]) if lines else None
    if head is None:
        return None
    body = textwrap.dedent("\n".join(lines[1:]))
    body_lines = body.splitlines()
    argument = [head["argument"]]
    index = 0
    while index < len(body_lines) and body_lines[index].strip():
        line = body_lines[index]
        if not _OPTION.match(line.strip()):
            argument.append(line.strip())
        index += 1
    content = "\n".join(body_lines[index:]).strip("\n")
    if not head["argument"] and not any(_OPTION.match(a) for a in argument[1:]):
        # No argument on the `..` line: the first paragraph is content, not argument.
        content = _join("\n".join(argument[1:]), content)
        argument = [""]
    return Directive(head["name"].lower(), " ".join(a for a in argument if a).strip(), content)


def problematic_spans(text: str) -> list[Span]:
    """Text docutils could not read as markup: a role shows its text, the rest as written."""
    match = ROLE.fullmatch(text)
    if match:
        return [Span(SpanKind.CODE, role_text(match["role"], match["body"]))]
    return [Span(SpanKind.TEXT, text)]
