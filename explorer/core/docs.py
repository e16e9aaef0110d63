"""Everything `--doc`, `--help-text` and `--source` show about one object."""

from __future__ import annotations

import inspect
import pydoc
import re
from dataclasses import replace
from typing import Any

import docstring_parser

from explorer.core import links as link_roles
from explorer.core.errors import describe_error, exception_text
from explorer.core.examples import extract_examples
from explorer.core.model import Doc, Kind, Link, Param, Raises, Returns, Section, Source
from explorer.core.objects import (
    classify,
    defined_in,
    first_sentence,
    is_class,
    split_signature_line,
)
from explorer.core.objects import get_doc as docstring_of
from explorer.core.resolve import Resolved, resolve
from explorer.core.static import safe_signature, shown_signature

_NOTE_HEADER = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?P<google>Notes?|Warnings?|See Also|Seealso|Todo|Attention|Caution)"
    r":[ \t]*$|\.\. (?P<rest>note|warning|seealso|deprecated|versionadded|versionchanged|"
    r"attention|caution|important|tip|hint|danger|todo)::[ \t]*(?P<first>.*)$)",
    re.MULTILINE | re.IGNORECASE,
)


def _underlying_function(obj: Any) -> Any:
    """The function behind a property or a class/static method (for signature and source)."""
    if issubclass(type(obj), property):
        return obj.fget
    if issubclass(type(obj), staticmethod | classmethod):
        return obj.__func__
    return obj


def signature_of(obj: Any) -> inspect.Signature | None:
    """The signature a reader means, found without running the object's code; its
    defaults and annotations already turned into (guarded) text."""
    signature = safe_signature(obj)
    return shown_signature(signature) if signature is not None else None


def _annotation(value: Any) -> str | None:
    if value is inspect.Parameter.empty:
        return None
    return inspect.formatannotation(value)


def _param_name(arg: str) -> str:
    """docstring-parser's `total_count (int)` or `*args` -> the bare name."""
    return arg.split(" ", 1)[0].lstrip("*").rstrip(",:")


def _merge_params(
    sig: inspect.Signature | None, parsed: docstring_parser.Docstring | None, drop_self: bool
) -> list[Param]:
    documented = {_param_name(p.arg_name): p for p in (parsed.params if parsed else [])}
    params: list[Param] = []
    for index, (name, parameter) in enumerate((sig.parameters if sig else {}).items()):
        if index == 0 and drop_self and name in ("self", "cls") and name not in documented:
            continue
        doc = documented.pop(name, None)
        default = parameter.default
        params.append(
            Param(
                name=name,
                kind=parameter.kind.name,
                annotation=_annotation(parameter.annotation),
                default=None if default is inspect.Parameter.empty else repr(default),
                type=doc.type_name if doc else None,
                description=(doc.description or "") if doc else "",
            )
        )
    for name, doc in documented.items():
        params.append(Param(name=name, type=doc.type_name, description=doc.description or ""))
    return params


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
        title = (match["google"] or match["rest"]).title()
        body = [match["first"]] if match["first"] else []
        index += 1
        while index < len(lines) and (
            not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip()) > indent
        ):
            body.append(lines[index])
            index += 1
        notes.append(Section(title=title, text=inspect.cleandoc("\n".join(body))))
    return "\n".join(kept).strip(), notes


def _parse(raw: str) -> tuple[docstring_parser.Docstring | None, str | None]:
    if not raw:
        return None, None
    try:
        return docstring_parser.parse(raw), None
    except Exception as exc:  # noqa: BLE001 - docstring-parser raises on odd markup
        return None, f"{type(exc).__name__}: {exc}"


def doc_of(resolved: Resolved) -> Doc:
    obj, name = resolved.obj, resolved.target.rsplit(".", 1)[-1]
    owner = resolved.parent if is_class(resolved.parent) else None
    kind = classify(obj, in_class=owner is not None)
    try:
        raw, doc_error = docstring_of(obj, owner=owner, name=name), None
    except Exception as exc:  # noqa: BLE001 - a non-string or hostile __doc__
        raw, doc_error = "", f"unreadable docstring: {describe_error(exc)}"
    line_signature, text_body = split_signature_line(raw)
    # docstring-parser drops a Google `Note:` that follows `Args:`, so notes come out first.
    body, top_notes = split_notes(text_body, top_level=True)
    parsed, parse_error = _parse(body)
    home = defined_in(obj)
    scopes = link_roles.scopes_for(resolved.target, home, is_class(obj))
    found: list[Link] = []

    def text(value: str | None) -> str:
        converted, new_links = link_roles.convert_roles(value or "", scopes)
        found.extend(new_links)
        return converted

    sig = signature_of(obj)
    doc = Doc(
        name=name, qualname=resolved.target, kind=kind, raw=raw, defined_in=home,
        signature=str(sig) if sig else line_signature, parse_error=doc_error or parse_error,
        examples=tuple(extract_examples(raw)),
    )  # fmt: skip
    if parsed is None:
        doc = replace(doc, summary=text(first_sentence(body)), description=text(body))
    else:
        gap = "\n\n" if parsed.blank_after_short_description else "\n"
        prose = gap.join(p for p in (parsed.short_description, parsed.long_description) if p)
        summary = text(first_sentence(prose))
        description, nested_notes = split_notes(text(prose))
        notes = [Section(n.title, text(n.text)) for n in top_notes] + nested_notes
        drop_self = kind in (Kind.METHOD, Kind.CLASSMETHOD, Kind.PROPERTY) or is_class(obj)
        params = [
            replace(param, description=text(param.description))
            for param in _merge_params(sig, parsed, drop_self)
        ]
        returns = None if is_class(obj) else _returns(parsed, sig, text)
        raises = [Raises(r.type_name, text(r.description)) for r in parsed.raises]
        notes += _meta_sections(parsed, text)
        doc = replace(
            doc, summary=summary, description=description, notes=tuple(notes),
            params=tuple(params), returns=returns, raises=tuple(raises),
        )  # fmt: skip
    return replace(doc, links=tuple(link_roles.unique(found)))


def _returns(
    parsed: docstring_parser.Docstring, sig: inspect.Signature | None, text: Any
) -> Returns | None:
    annotation = _annotation(sig.return_annotation) if sig else None
    if parsed.returns is None:
        return Returns(type=annotation) if annotation else None
    returned = parsed.returns
    return Returns(
        type=returned.type_name or annotation,
        description=text(returned.description),
        name=returned.return_name,
    )


_STRUCTURED = {"param", "raises", "returns", "yields", "examples", "example", "raise", "return"}


def _meta_sections(parsed: docstring_parser.Docstring, text: Any) -> list[Section]:
    """NumPy `Notes`, `See Also`, `Warnings` ... sections docstring-parser keeps as meta."""
    sections = []
    for meta in parsed.meta:
        key = meta.args[0] if meta.args else ""
        if key.lower() in _STRUCTURED or isinstance(meta, docstring_parser.DocstringParam):
            continue
        sections.append(Section(title=key.replace("_", " ").title(), text=text(meta.description)))
    return sections


def get_doc(target: str) -> Doc:
    return doc_of(resolve(target))


def help_text(target: str) -> str:
    """Exactly what `help(obj)` prints when stdout is not a terminal."""
    obj = resolve(target).obj
    return pydoc.plain(pydoc.render_doc(obj, title="Help on %s:"))


def get_source(target: str) -> Source:
    obj = _underlying_function(resolve(target).obj)
    try:
        lines, line = inspect.getsourcelines(obj)
        file = inspect.getsourcefile(obj) or inspect.getfile(obj)
    except (TypeError, OSError) as exc:
        return Source(qualname=target, error=f"no source for {target}: {_why_no_source(obj, exc)}")
    return Source(qualname=target, file=file, line=max(line, 1), text="".join(lines))


def _why_no_source(obj: Any, exc: Exception) -> str:
    kind = classify(obj)
    if kind in (Kind.BUILTIN, Kind.METHOD) or inspect.isbuiltin(obj):
        return "it is built in (implemented in C)"
    if kind == Kind.DATA:
        return f"it is a value of type {type(obj).__qualname__}, not code"
    return exception_text(exc) or type(exc).__name__
