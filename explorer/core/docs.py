"""Everything `--doc`, `--help-text` and `--source` show about one object."""

from __future__ import annotations

import inspect
import pydoc
from dataclasses import replace
from typing import Any

import docstring_parser
from docstring_parser import epydoc, google, numpydoc, rest

from explorer.core import links as link_roles
from explorer.core.errors import exception_text
from explorer.core.examples import extract_examples
from explorer.core.model import Doc, Kind, Link, Param, Raises, Returns, Section, Source
from explorer.core.objects import (
    classify,
    defined_in,
    first_sentence,
    is_class,
    split_signature_lines,
)
from explorer.core.objects import get_doc as docstring_of
from explorer.core.render.prepare import (
    detach_trailing_text,
    drop_trailing_markers,
    google_descriptions,
    normalize_numpy_headings,
    plain_parameter_list,
    remove_examples,
    see_also_entries,
    split_notes,
)
from explorer.core.render.safe import surrogate_safe
from explorer.core.resolve import Resolved, resolve
from explorer.core.static import safe_signature, shown_signature


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


_PARAMETER_KEYS = frozenset({"param", "parameter", "arg", "argument", "key", "keyword", "kwarg",
                             "other_param"})  # fmt: skip


def _merge_params(
    sig: inspect.Signature | None, parsed: docstring_parser.Docstring | None, drop_self: bool
) -> list[Param]:
    documented = {
        _param_name(p.arg_name): p
        for p in (parsed.params if parsed else [])
        if p.args and p.args[0] in _PARAMETER_KEYS
    }
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
                type=_plain_type(doc.type_name) if doc else None,
                description=(doc.description or "") if doc else "",
            )
        )
    for name, doc in documented.items():
        params.append(
            Param(name=name, type=_plain_type(doc.type_name), description=doc.description or "")
        )
    return params


_NUMPYDOC = numpydoc.NumpydocParser()
_NUMPYDOC.add_section(numpydoc.ParamSection("Methods", "method"))
_STYLES = (rest.parse, google.parse, _NUMPYDOC.parse, epydoc.parse)


def _parse(raw: str) -> tuple[docstring_parser.Docstring | None, str | None]:
    """docstring-parser's automatic choice (the style that finds the most sections),
    with numpydoc's `Methods` section known too."""
    if not raw:
        return None, None
    parsed: list[docstring_parser.Docstring] = []
    problem: str | None = None
    for parse in _STYLES:
        try:
            parsed.append(parse(raw))
        except Exception as exc:  # noqa: BLE001 - docstring-parser raises on odd markup
            problem = problem or f"{type(exc).__name__}: {exc}"
    if not parsed:
        return None, problem
    return max(parsed, key=lambda candidate: len(candidate.meta)), None


def _read_docstring(obj: Any, owner: type | None, name: str) -> tuple[str, str | None]:
    """(the cleaned docstring, why there is none to read)."""
    try:
        return surrogate_safe(docstring_of(obj, owner=owner, name=name)), None
    except Exception as exc:  # noqa: BLE001 - a non-string or hostile __doc__
        return "", exception_text(exc) or type(exc).__name__


def _signature_text(obj: Any, lines: list[str]) -> str | None:
    """inspect's signature, else the docstring's signature lines (several for
    overloads, one per line)."""
    sig = signature_of(obj)
    return str(sig) if sig is not None else ("\n".join(lines) or None)


def doc_of(resolved: Resolved) -> Doc:
    obj, name = resolved.obj, resolved.target.rsplit(".", 1)[-1]
    owner = resolved.parent if is_class(resolved.parent) else None
    kind = classify(obj, in_class=owner is not None)
    raw, unreadable = _read_docstring(obj, owner, name)
    examples = tuple(extract_examples(raw))
    line_signatures, text_body = split_signature_lines(remove_examples(raw, examples), name)
    home = defined_in(obj)
    scopes = link_roles.scopes_for(resolved.target, home, is_class(obj))
    found: list[Link] = []

    def text(value: str | None) -> str:
        converted, new_links = link_roles.convert_roles(value or "", scopes)
        found.extend(new_links)
        return converted

    # Roles go first: a line opening with `:mod:` must not read as a reST field.
    # docstring-parser drops a Google `Note:` that follows `Args:`, so notes come out next.
    body, top_notes = split_notes(text(text_body), top_level=True)
    body, trailing = detach_trailing_text(normalize_numpy_headings(body))
    parsed, parse_error = _parse(body)
    doc = Doc(
        name=name, qualname=resolved.target, kind=kind, raw=raw, defined_in=home,
        signature=_signature_text(obj, line_signatures), parse_error=parse_error,
        examples=examples, unreadable=unreadable,
    )  # fmt: skip
    if parsed is None:
        doc = replace(doc, summary=link_roles.plain_text(first_sentence(body)), description=body)
    else:
        doc = _with_sections(doc, obj, parsed, top_notes, google_descriptions(body))
        doc = replace(doc, notes=tuple(_see_also_links(note, scopes, found) for note in doc.notes))
    if trailing:
        doc = replace(doc, description=f"{doc.description}\n\n{trailing}".strip())
    doc = replace(doc, description=drop_trailing_markers(doc.description))
    return replace(doc, links=tuple(link_roles.unique(found)))


def _with_sections(
    doc: Doc,
    obj: Any,
    parsed: docstring_parser.Docstring,
    top_notes: list[Section],
    laid_out: dict[str, str],
) -> Doc:
    gap = "\n\n" if parsed.blank_after_short_description else "\n"
    prose = gap.join(p for p in (parsed.short_description, parsed.long_description) if p)
    summary = link_roles.plain_text(first_sentence(prose))
    description, nested_notes = split_notes(prose)
    notes = top_notes + nested_notes
    sig = signature_of(obj)
    drop_self = doc.kind in (Kind.METHOD, Kind.CLASSMETHOD, Kind.PROPERTY) or is_class(obj)
    params = [_with_layout(p, laid_out) for p in _merge_params(sig, parsed, drop_self)]
    if not any(param.description for param in params):
        description, listed = plain_parameter_list(description, [p.name for p in params])
        params = [replace(p, description=listed.get(p.name, p.description)) for p in params]
    returns = None if is_class(obj) else _returns(parsed, sig)
    raises = [Raises(_plain_type(r.type_name), r.description or "") for r in parsed.raises]
    notes += _meta_sections(parsed)
    return replace(
        doc, summary=summary, description=description, notes=tuple(notes),
        params=tuple(params), returns=returns, raises=tuple(raises),
    )  # fmt: skip


def _see_also_links(note: Section, scopes: list[str], found: list[Link]) -> Section:
    """NumPy's `See Also` entries (`name : what it does`) as a list of linked names."""
    if note.title != "See also":
        return note
    entries = see_also_entries(note.text)
    if not entries:
        return note
    items = []
    for names, description in entries:
        for name in names:
            target = link_roles.resolve_reference(name, scopes)
            if "." in target or link_roles.exists(target):
                found.append(Link(text=name, target=target, role="obj"))
        shown = ", ".join(f"`{name}`" for name in names)
        items.append(f"- {shown} — {description}" if description else f"- {shown}")
    return replace(note, text="\n".join(items))


def _with_layout(param: Param, laid_out: dict[str, str]) -> Param:
    """The description as written (blank lines, lists) when it is the same text."""
    written = laid_out.get(param.name)
    if written and written.split() == param.description.split():
        return replace(param, description=written)
    return param


def _plain_type(type_name: str | None) -> str | None:
    return link_roles.plain_text(type_name) if type_name else type_name


def _returns(parsed: docstring_parser.Docstring, sig: inspect.Signature | None) -> Returns | None:
    annotation = _annotation(sig.return_annotation) if sig else None
    if parsed.returns is None:  # `-> None` alone says nothing the signature does not
        return Returns(type=annotation) if annotation and annotation != "None" else None
    returned = parsed.returns
    return Returns(
        type=_plain_type(returned.type_name) or annotation,
        description=returned.description or "",
        name=returned.return_name,
    )


_STRUCTURED = {"param", "raises", "returns", "yields", "examples", "example", "raise", "return"}
_TYPED_META = (docstring_parser.DocstringReturns, docstring_parser.DocstringRaises)


def _meta_sections(parsed: docstring_parser.Docstring) -> list[Section]:
    """NumPy `Notes`, `See Also`, `Warnings` ..., reST fields such as `:Character code:`,
    and attributes, which docstring-parser keeps as meta."""
    sections = []
    listed: dict[str, list[docstring_parser.DocstringParam]] = {"attribute": [], "method": []}
    for meta in parsed.meta:
        if isinstance(meta, docstring_parser.DocstringParam):
            if meta.args and meta.args[0] in listed:
                listed[meta.args[0]].append(meta)
            continue
        if not meta.args or meta.args[0].lower() in _STRUCTURED or isinstance(meta, _TYPED_META):
            continue
        # A reST field `:Character code:` comes as two args; a NumPy section as one.
        key = " ".join(meta.args)
        title = key.replace("_", " ")
        sections.append(Section(title=title[:1].upper() + title[1:], text=meta.description or ""))
    lists = [Section(f"{key.title()}s", _definition_list(items)) for key, items in listed.items()]
    return [section for section in lists if section.text] + sections


def _definition_list(items: list[docstring_parser.DocstringParam]) -> str:
    """Attributes as a reST definition list: ``name`` : type, then the description."""
    entries = []
    for item in items:
        term = f"``{_param_name(item.arg_name)}``"
        if item.type_name:
            term += f" : {_plain_type(item.type_name)}"
        body = (item.description or "").strip() or "(no description)"
        entries.append(term + "\n" + "\n".join("    " + line for line in body.splitlines()))
    return "\n\n".join(entries)


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
