"""Docstrings the reST parser rejects still render: as written, with the problem noted,
never an exception and never a hang (the work per docstring is capped)."""

from __future__ import annotations

import pytest

from explorer import settings
from explorer.core.docs import get_doc
from explorer.core.model import Doc, Kind, Param, Section
from explorer.core.render.blocks import Remark, Verbatim
from explorer.core.render.markdown import doc_markdown
from explorer.core.render.rst import parse_blocks
from explorer.core.render.text import render_doc


def rendered(description: str) -> tuple[str, str]:
    doc = Doc(
        name="f", qualname="m.f", kind=Kind.FUNCTION, description=description,
        params=(Param("x", description=description),), notes=(Section("Note", description),),
    )  # fmt: skip
    return render_doc(doc), doc_markdown(doc, width=80)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("An `unbalanced backquote and a ``literal.", "unbalanced backquote, shown as written"),
        ("+---+---+\n| a | b |\n+---+\n| c | d |\n+---+---+", "Malformed table"),
        ("=====  =====\na      b\n=====  =====\nc    xd\n=====  =====", "Malformed table"),
        ("*a " * 6_000, "too much markup to format"),
        ("`x " * 6_000, "too much markup to format"),
        ("word\n" * 200_000, "too long to format"),
        ("\n".join(" " * depth + "- item" for depth in range(0, 600, 2)), ""),
        ("\n\n".join(" " * depth + "quote" for depth in range(300)), ""),
        ("a " * 30_000 + "\n", "too long to format"),
        (".. include:: /etc/passwd\n\n.. raw:: html\n\n   <b>x</b>", "directive not shown"),
    ],
    ids=["backquotes", "grid", "simple", "stars", "quotes", "huge", "lists", "quotes-deep",
         "long-line", "include"],
)  # fmt: skip
def test_hostile_markup_renders_with_the_problem_noted(text: str, note: str) -> None:
    cli, markdown = rendered(text)
    assert cli and markdown
    if note:
        assert note in cli and note in markdown
    assert "root:" not in cli and "<b>" not in markdown + cli


def test_lone_surrogates_are_replaced_not_raised() -> None:
    cli, markdown = rendered("Broken \ud800 text `x` and \udfff.")
    assert "Broken \ufffd text" in cli and "\ud800" not in cli + markdown
    cli.encode("utf-8")
    markdown.encode("utf-8")


def test_the_work_cap_is_a_budget_not_a_clock() -> None:
    """The same text gives the same blocks on a busy machine as on an idle one."""
    text = "*a " * 6_000
    assert parse_blocks(text) == parse_blocks(text)
    assert isinstance(parse_blocks(text)[0], Verbatim)
    assert len(text) < settings.DOC_FORMAT_MAX_CHARS


def test_ordinary_stars_and_underscores_are_no_problem() -> None:
    blocks = parse_blocks("Call with *args and **kwargs; snake_case names and x_ are fine.")
    assert not any(isinstance(block, Remark | Verbatim) for block in blocks)


@pytest.mark.timeout(120)
def test_a_megabyte_docstring_renders() -> None:
    doc = get_doc("hostile_objects.HugeDoc")
    assert doc.summary == "Huge docstring."
    assert "too long to format" in render_doc(doc)
    assert "too long to format" in doc_markdown(doc, width=80)


def test_a_docstring_sections_cannot_be_read_from_still_shows() -> None:
    doc = get_doc("hostile_objects.BadRest")
    assert doc.summary == "Summary line."
    assert "Summary line." in render_doc(doc) and "Summary line." in doc_markdown(doc)


def test_a_non_string_docstring_is_noted() -> None:
    doc = get_doc("hostile_objects.NonStringDoc")
    assert doc.unreadable == "its __doc__ is a int, not a string"
    assert "no readable docstring" in render_doc(doc)
    assert "could not be parsed" not in render_doc(doc) + doc_markdown(doc)


def test_terminal_control_codes_are_shown_escaped_not_sent() -> None:
    cli, markdown = rendered("Clears the screen: \x1b[2J, rings \x07 and `code \x1b`.")
    for output in (cli, markdown):
        assert "\x1b" not in output and "\x07" not in output
        assert "\\x1b" in output and "\\x07" in output
    assert "Clears the screen: \\x1b[2J, rings \\x07 and code \\x1b." in cli
