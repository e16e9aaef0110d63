"""A Doc record from a docstring and a signature, wherever they were read.

The worker reads them from the live object (`explorer.core.docs.doc_of`); the
UI's first paint reads them from the search index (`explorer.core.search.lookup`),
where the signature is text: `signature_from_text` turns it back into a
Signature without evaluating anything. Both then go through `build_doc`, so a
Doc from the index reads like the live one.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import docstring_parser
from docstring_parser import epydoc, google, numpydoc, rest

from explorer.core import links as link_roles
from explorer.core.examples import extract_examples
from explorer.core.model import Doc, Kind, Link, Param, Raises, Returns, Section
from explorer.core.objects import first_sentence, split_signature_lines
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
from explorer.core.static import Shown

SIGNATURE_TEXT_LIMIT = 4000  # characters: longer signature text is shown, never parsed


@dataclass(frozen=True, slots=True)
class DocInputs:
    """What a Doc is made from."""

    qualname: str
    kind: Kind
    raw: str  # the cleaned docstring
    # Defaults and annotations as text (`Shown`), so nothing of the object runs later.
    signature: inspect.Signature | None = None
    signature_text: str | None = None  # shown instead of str(signature), when given
    is_class: bool = False
    defined_in: str | None = None
    unreadable: str | None = None  # why there is no docstring to read


def build_doc(inputs: DocInputs) -> Doc:
    name = inputs.qualname.rsplit(".", 1)[-1]
    raw, home = inputs.raw, inputs.defined_in
    examples = tuple(extract_examples(raw))
    line_signatures, text_body = split_signature_lines(remove_examples(raw, examples), name)
    scopes = link_roles.scopes_for(inputs.qualname, home, inputs.is_class)
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
    sig = inputs.signature
    shown = inputs.signature_text or (str(sig) if sig is not None else None)
    doc = Doc(
        name=name, qualname=inputs.qualname, kind=inputs.kind, raw=raw, defined_in=home,
        signature=shown or "\n".join(line_signatures) or None, parse_error=parse_error,
        examples=examples, unreadable=inputs.unreadable,
    )  # fmt: skip
    if parsed is None:
        doc = replace(doc, summary=link_roles.plain_text(first_sentence(body)), description=body)
    else:
        doc = _with_sections(doc, inputs, parsed, top_notes, google_descriptions(body))
        doc = replace(doc, notes=tuple(_see_also_links(note, scopes, found) for note in doc.notes))
    if trailing:
        doc = replace(doc, description=f"{doc.description}\n\n{trailing}".strip())
    doc = replace(doc, description=drop_trailing_markers(doc.description))
    return replace(doc, links=tuple(link_roles.unique(found)))


def signature_from_text(text: str) -> inspect.Signature | None:
    """`(a, b: int = 1, *, c=None) -> T` as a Signature whose defaults and annotations are
    their text; None for text that is not a Python parameter list (`(x[, y])`).

    The text is parsed, never evaluated.
    """
    text = text.strip()
    if not text.startswith("(") or len(text) > SIGNATURE_TEXT_LIMIT:
        return None
    source = f"def _{text}: pass"
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        return None
    function = tree.body[0]

    def shown(node: ast.expr | None) -> object:
        if node is None:
            return inspect.Parameter.empty
        return Shown(ast.get_source_segment(source, node) or ast.unparse(node))

    try:
        return inspect.Signature(
            _parameters(function.args, shown), return_annotation=shown(function.returns)
        )
    except (ValueError, TypeError):  # e.g. a name given twice
        return None


def _parameters(
    args: ast.arguments, shown: Callable[[ast.expr | None], object]
) -> list[inspect.Parameter]:
    kind = inspect.Parameter
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
    params = [
        kind(arg.arg, kind.POSITIONAL_ONLY if index < len(args.posonlyargs) else
             kind.POSITIONAL_OR_KEYWORD, default=shown(default), annotation=shown(arg.annotation))
        for index, (arg, default) in enumerate(zip(positional, defaults, strict=True))
    ]  # fmt: skip
    if args.vararg is not None:
        params.append(kind(args.vararg.arg, kind.VAR_POSITIONAL,
                           annotation=shown(args.vararg.annotation)))  # fmt: skip
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(kind(arg.arg, kind.KEYWORD_ONLY, default=shown(default),
                           annotation=shown(arg.annotation)))  # fmt: skip
    if args.kwarg is not None:
        params.append(
            kind(args.kwarg.arg, kind.VAR_KEYWORD, annotation=shown(args.kwarg.annotation))
        )
    return params


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


def _with_sections(
    doc: Doc,
    inputs: DocInputs,
    parsed: docstring_parser.Docstring,
    top_notes: list[Section],
    laid_out: dict[str, str],
) -> Doc:
    gap = "\n\n" if parsed.blank_after_short_description else "\n"
    prose = gap.join(p for p in (parsed.short_description, parsed.long_description) if p)
    summary = link_roles.plain_text(first_sentence(prose))
    description, nested_notes = split_notes(prose)
    notes = top_notes + nested_notes
    sig = inputs.signature
    drop_self = doc.kind in (Kind.METHOD, Kind.CLASSMETHOD, Kind.PROPERTY) or inputs.is_class
    params = [_with_layout(p, laid_out) for p in _merge_params(sig, parsed, drop_self)]
    if not any(param.description for param in params):
        description, listed = plain_parameter_list(description, [p.name for p in params])
        params = [replace(p, description=listed.get(p.name, p.description)) for p in params]
    returns = None if inputs.is_class else _returns(parsed, sig)
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
