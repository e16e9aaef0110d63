"""Sphinx cross-references (`:class:`~torch.Tensor``) as readable text plus link records.

A role's target is resolved the way Sphinx's Python domain looks it up from
where the docstring stands: the current class, its module, the package that
exposes it publicly, then as an absolute name.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Sequence

from explorer.core.model import Link
from explorer.core.render.math import to_unicode
from explorer.core.static import is_a

LINK_ROLES = frozenset({"class", "meth", "attr", "func", "mod", "data", "obj", "exc", "const",
                        "type", "property", "method", "function", "attribute",
                        "module"})  # fmt: skip
# Roles whose text is code (`samp`, `file` ...); the rest (`ref`, `term`, `doc` ...) is prose.
_CODE_ROLES = frozenset({"code", "literal", "samp", "file", "envvar", "kbd", "program", "option",
                         "command", "makevar", "mailheader", "regexp", "keyword"})  # fmt: skip
# `:role:`body`` and Sphinx's domain forms `:py:class:`, `:c:func:`, `:std:ref:`.
# An intersphinx prefix (`:external+python:mod:`) is one more domain-like part.
ROLE = re.compile(r"(?<![\w`]):(?:[\w+.-]+:)?(?P<role>[a-z][\w-]*):`(?P<body>[^`]+)`")
# `:attr:\`x\`` (backquotes escaped by mistake) means the role all the same.
_ESCAPED_ROLE = re.compile(r"(?<![\w`])(:(?:[\w+.-]+:)?[a-z][\w-]*:)\\`([^`\\]+)\\`")
_INLINE_MATH = re.compile(r"\\\((?P<latex>.{1,2000}?)\\\)", re.DOTALL)
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
_RST_SPECIAL = re.compile(r"([\\`*|<>\[\]]|_(?!\w))")


def _split_body(body: str) -> tuple[str, str]:
    """`text <target>` or `~a.b.C` or `a.b.C` -> (shown text, target)."""
    explicit = _EXPLICIT.match(body)
    if explicit and explicit["text"]:
        return explicit["text"], explicit["target"].lstrip("~.!")
    target = body.lstrip("!")
    if target.startswith("~"):
        target = target[1:].lstrip(".")
        return target.rsplit(".", 1)[-1], target
    return target.lstrip("."), target.lstrip(".")


def exists(dotted: str) -> bool:
    """Whether `dotted` names something, using only modules already imported."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:cut]))
        if module is None:
            continue
        obj: object = module
        for name in parts[cut:]:
            if not is_a(obj, (type, types.ModuleType)):  # only these hold names to follow
                return False
            found = _lookup_static(obj, name)
            if found is _MISSING:
                return False
            obj = found
        return True
    return False


_MISSING = object()


def _lookup_static(obj: object, name: str) -> object:
    import inspect

    try:
        return inspect.getattr_static(obj, name)
    except AttributeError:
        return _MISSING
    except Exception:  # noqa: BLE001 - a hostile object is simply not a link target
        return _MISSING


def resolve_reference(target: str, scopes: Sequence[str]) -> str:
    """The first `scope.target` that exists, else `target` itself.

    A dotted target is tried as an absolute name first (`torch.Tensor` must not
    become `torch.torch.Tensor` just because torch has an attribute `torch`).
    """
    if "." in target and exists(target):
        return target
    for scope in scopes:
        candidate = f"{scope}.{target}" if scope else target
        if exists(candidate):
            return candidate
    return target


def scopes_for(qualname: str, defined_in: str | None, is_class: bool) -> list[str]:
    """Where to look a short name up from: class, its parents, defining module, absolute."""
    scopes: list[str] = []
    parts = qualname.split(".")
    start = len(parts) if is_class else len(parts) - 1
    for cut in range(start, 0, -1):
        scopes.append(".".join(parts[:cut]))
    if defined_in:
        scopes.append(defined_in)
    scopes.append("")
    return list(dict.fromkeys(scopes))


def rst_escape(text: str) -> str:
    """Plain text made safe to put into reST (no accidental markup)."""
    return _RST_SPECIAL.sub(r"\\\1", text)


def role_text(role: str, body: str) -> str:
    """What a reader sees for a role: `~a.b.C` -> `C`, `text <target>` -> `text`, PEP 8."""
    if role == "math":
        return to_unicode(body).text
    if role in ("pep", "rfc"):
        return f"{role.upper()} {body.strip()}"
    shown, _ = _split_body(" ".join(body.split()))
    return shown


def _math(latex: str) -> str:
    """Inline math as reST: Unicode text where it reads unambiguously, else a literal."""
    converted = to_unicode(latex)
    if converted.complete:
        return rst_escape(" ".join(converted.text.split()))
    return f"``{' '.join(converted.text.split())}``"


def convert_roles(text: str, scopes: Sequence[str] | None = None) -> tuple[str, list[Link]]:
    """Replace roles by their readable text; link roles become Link records.

    Names and code come out as `` `text` `` (reST interpreted text, which the
    renderers show as code and look up in the links), math as Unicode text,
    other roles (`ref`, `term`, `pep` ...) as plain words.
    """
    links: list[Link] = []

    def replace(match: re.Match[str]) -> str:
        role, body = match["role"], match["body"]
        if role == "math":
            return _math(body)
        shown = role_text(role, body)
        if role in LINK_ROLES:
            if scopes is not None:
                target = resolve_reference(_split_body(body)[1], scopes)
                if "." in target or exists(target):
                    links.append(Link(text=shown, target=target, role=role))
            return f"`{shown}`"
        if role in _CODE_ROLES:
            return f"`{shown}`"
        return rst_escape(shown)

    def padded(match: re.Match[str]) -> str:
        # In a table a shorter replacement would shift the columns after it.
        return replace(match).ljust(len(match[0]))

    lines = _ESCAPED_ROLE.sub(r"\1`\2`", text).split("\n")
    tables = table_lines(lines)
    converted = "\n".join(
        ROLE.sub(padded if index in tables else replace, line) for index, line in enumerate(lines)
    )
    converted = _INLINE_MATH.sub(lambda match: _math(match["latex"]), converted)
    return converted, links


_SIMPLE_BORDER = re.compile(r"^\s*=+(?:\s+=+)+\s*$")
_GRID_LINE = re.compile(r"^\s*[+|]")


def table_lines(lines: list[str]) -> set[int]:
    """Indexes of lines inside reST grid or simple tables, where columns must stay put."""
    inside: set[int] = set()
    in_simple = False
    for index, line in enumerate(lines):
        if _SIMPLE_BORDER.match(line):
            in_simple = True
        elif in_simple and not line.strip() and index and _SIMPLE_BORDER.match(lines[index - 1]):
            in_simple = False
        if in_simple or _GRID_LINE.match(line):
            inside.add(index)
    return inside


_LITERAL = re.compile(r"``(?P<a>.+?)``|(?<![\w`])`(?P<b>[^`]+?)`(?:__?)?(?![\w`])", re.DOTALL)
_EMPHASIS = re.compile(r"(?<![\w*\\])(\*\*?)(?P<text>[^\s*](?:[^*]*?[^\s*\\])?)\1(?![\w*])")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_MARKED = re.compile(f"{ROLE.pattern}|{_INLINE_MATH.pattern}|{_LITERAL.pattern}", re.DOTALL)


def _marked_text(match: re.Match[str]) -> str:
    if match["role"]:
        return role_text(match["role"], match["body"])
    if match["a"] is not None:
        return match["a"]
    if match["b"] is not None:
        return _split_body(match["b"])[0]
    return to_unicode(match["latex"]).text


def _unmarked(text: str) -> str:
    text = _EMPHASIS.sub(lambda m: m["text"], text)
    return _ESCAPE.sub(lambda m: "" if m[1] == " " else m[1], text)


def plain_text(text: str) -> str:
    """One line of reST as plain words, for summaries: roles as their text, math as
    Unicode, no backquotes, no emphasis stars, no escapes, no trailing `::`."""
    parts: list[str] = []
    last = 0
    for match in _MARKED.finditer(text):
        parts += [_unmarked(text[last : match.start()]), _marked_text(match)]
        last = match.end()
    converted = " ".join("".join([*parts, _unmarked(text[last:])]).split())
    return converted[:-1] if converted.endswith("::") else converted


def unique(links: Sequence[Link]) -> list[Link]:
    seen: dict[tuple[str, str], Link] = {}
    for link in links:
        seen.setdefault((link.text, link.target), link)
    return list(seen.values())
