"""The Doc tab's record of a name, from what the index stores: no import of the target.

The stored docstring and signature text go through the same code as a live Doc
(`explorer.core.doc_text.build_doc`); the signature text is parsed back into a
Signature, never evaluated. What the index lacks (a data member's value) is not
made up: the Doc simply has none.
"""

from __future__ import annotations

from explorer.core.doc_text import DocInputs, build_doc, signature_from_text
from explorer.core.model import Doc, Kind
from explorer.core.objects import split_signature_lines
from explorer.core.search.lookup import IndexedDoc, indexed_doc
from explorer.core.search.store import SearchIndex


def doc_record(index: SearchIndex, target: str) -> Doc | None:
    """The Doc of `target` from what the index stores; None when it does not know the name."""
    entry = indexed_doc(index, target)
    if entry is None:
        return None
    return build_doc(_doc_inputs(entry))


def _doc_inputs(entry: IndexedDoc) -> DocInputs:
    """The stored signature text is inspect's (or a text signature) unless it is the
    docstring's own first line, which the live Doc shows with any overloads after it."""
    name = entry.qualname.rsplit(".", 1)[-1]
    written = split_signature_lines(entry.docstring, name)[0]
    text = entry.signature or None
    signature = signature_from_text(text) if text and text not in written else None
    return DocInputs(
        qualname=entry.qualname,
        kind=entry.kind,
        raw=entry.docstring,
        signature=signature,
        signature_text=text if signature is not None or not written else None,
        is_class=entry.kind.is_class,
        defined_in=None if entry.kind == Kind.DATA else entry.defined_in,
    )
