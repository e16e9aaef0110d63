"""reST fragments -> blocks (docutils, plus Sphinx's directives and roles)."""

from __future__ import annotations

from explorer.core.render.blocks import (
    Admonition,
    Code,
    Definitions,
    ListBlock,
    MathBlock,
    Paragraph,
    Span,
    SpanKind,
    Table,
    plain,
)
from explorer.core.render.rst import _parse_rst, one_docstring, parse_blocks


def test_plain_text_takes_the_fast_path_and_reads_the_same() -> None:
    text = "First paragraph\non two lines.\n\nSecond one."
    with one_docstring():
        assert parse_blocks(text) == _parse_rst(text)
    assert parse_blocks(text) == (
        Paragraph((Span(SpanKind.TEXT, "First paragraph on two lines."),)),
        Paragraph((Span(SpanKind.TEXT, "Second one."),)),
    )


def test_inline_markup_becomes_spans() -> None:
    (paragraph,) = parse_blocks(r"Use ``x``, `y`, *e*, **s**, :math:`\alpha` and <https://a.b>.")
    assert isinstance(paragraph, Paragraph)
    kinds = [(span.kind, span.text) for span in paragraph.spans if span.text.strip(" ,.")]
    assert kinds == [
        (SpanKind.TEXT, "Use "), (SpanKind.CODE, "x"), (SpanKind.CODE, "y"),
        (SpanKind.EMPHASIS, "e"), (SpanKind.STRONG, "s"), (SpanKind.MATH, "α"),
        (SpanKind.TEXT, " and <"), (SpanKind.LINK, "https://a.b"), (SpanKind.TEXT, ">."),
    ]  # fmt: skip


def test_grid_and_simple_tables() -> None:
    grid = "+---+-----+\n| a | b   |\n+===+=====+\n| 1 | two |\n|   |``2``|\n+---+-----+"
    (table,) = parse_blocks(grid)
    assert isinstance(table, Table) and table.header_rows == 1
    assert [[plain(cell) for cell in row] for row in table.rows] == [["a", "b"], ["1", "two 2"]]
    (simple,) = parse_blocks("=  =\na  b\n=  =\n1  2\n=  =")
    assert isinstance(simple, Table) and len(simple.rows) == 2


def test_lists_definitions_and_fields() -> None:
    blocks = parse_blocks("- a\n- b\n\n#. one\n#. two\n\nterm\n    meaning\n\n:Field: value")
    assert [type(block) for block in blocks] == [ListBlock, ListBlock, Definitions, Definitions]
    assert blocks[1] == ListBlock(
        ((Paragraph((Span(SpanKind.TEXT, "one"),)),), (Paragraph((Span(SpanKind.TEXT, "two"),)),)),
        ordered=True,
    )
    definitions = blocks[2]
    assert isinstance(definitions, Definitions)
    assert plain(definitions.items[0][0]) == "term"


def test_sphinx_directives_read_as_the_published_docs_show_them() -> None:
    text = (
        ".. versionadded:: 2.0\n   New.\n\n.. seealso:: :func:`f`\n\n"
        ".. code-block:: python\n\n   x = 1\n\n.. math::\n\n   a^2\n\n"
        ".. note::\n   Careful.\n\n.. currentmodule:: m\n\n.. custom:: thing\n\n   Body."
    )
    blocks = parse_blocks(text)
    new = Paragraph((Span(SpanKind.TEXT, "New."),))
    assert blocks[0] == Admonition("Added in version 2.0", (new,))
    assert isinstance(blocks[1], Admonition) and blocks[1].title == "See also"
    assert plain(blocks[1].blocks[0].spans) == "f"  # type: ignore[union-attr]
    assert blocks[2] == Code("x = 1", "python")
    assert blocks[3] == MathBlock("a²")
    assert isinstance(blocks[4], Admonition) and blocks[4].title == "Note"
    assert isinstance(blocks[5], Admonition) and blocks[5].title == "Custom"
    assert len(blocks) == 6  # currentmodule shows nothing


def test_literal_and_doctest_blocks_keep_their_lines() -> None:
    blocks = parse_blocks("Like this::\n\n    a = 1\n      b\n\n>>> 1 + 1\n2")
    assert blocks[1] == Code("a = 1\n  b")
    assert blocks[2] == Code(">>> 1 + 1\n2", "pycon")


def test_literals_glued_to_words_are_still_literals() -> None:
    (paragraph,) = parse_blocks("if ``True``, default=``False`` and ``x``s.")
    assert isinstance(paragraph, Paragraph)
    assert [s.text for s in paragraph.spans if s.kind == SpanKind.CODE] == ["True", "False", "x"]
    (code,) = parse_blocks("::\n\n    default=``False``")[-1:]
    assert code == Code("default=``False``")  # code is never touched


def test_docutils_directives_with_sphinx_options_still_read() -> None:
    assert parse_blocks(".. math::\n   :label: eq1\n\n   a^2 + b^2\n") == (MathBlock("a² + b²"),)
    code = ".. code-block:: python\n   :linenos:\n   :caption: Hi\n\n   x = 1\n"
    assert parse_blocks(code) == (Code("x = 1", "python"),)
    assert parse_blocks(".. warning::\n") == (Admonition("Warning", ()),)
    assert parse_blocks(".. math::\n") == ()
    (deprecated,) = parse_blocks(".. deprecated::\n\n   Gone.\n")
    assert isinstance(deprecated, Admonition) and deprecated.title == "Deprecated"
