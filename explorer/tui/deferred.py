"""What the first frame does not need, imported when first used: the one place for that.

`explore TARGET` should paint members as soon as Textual can (issue 14). These
cost ~200 ms of imports before the first frame, which uses none of them: the
runner (editor, output, plots: textual-plotext), running examples (xdoctest),
the search screen (the index build machinery), the reST pipeline (docutils), the
docstring parser and Textual's Markdown widget (markdown-it); the first doc is
shown just after the first frame. Each function here imports its module on its
first call (Python caches it after that); everything else in the TUI imports at
the top as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.content import Content
    from textual.message import Message
    from textual.screen import Screen
    from textual.widget import Widget
    from textual.widgets import Markdown

    from explorer.core.model import Doc, Example, Listing
    from explorer.core.search.query import Hit
    from explorer.core.search.store import SearchIndex
    from explorer.proc.search.session import Opened
    from explorer.tui.services.kernel_session import KernelSession


# ---- the runner and the examples' Run -------------------------------------------------


def open_runner(app: App[Any], session: KernelSession, **options: Any) -> None:
    from explorer.tui.screens.runner import open_runner as open_it

    open_it(app, session, **options)


def is_runner(screen: Screen[Any]) -> bool:
    from explorer.tui.screens.runner import RunnerScreen

    return isinstance(screen, RunnerScreen)


def example_runner(session: KernelSession, doc: Doc, index: int) -> Widget:
    """The Doc tab's widget for one example: Run/Edit on `session`."""
    from explorer.tui.widgets.example_runner import example_runner_factory

    return example_runner_factory(session)(doc, index)


def pending_example(example: Example, *, title: str, why: str) -> Widget:
    """An index doc's example: shown, not runnable yet (its prompts come from
    core.examples, which imports xdoctest)."""
    from explorer.tui.widgets.pending_example import PendingExample

    return PendingExample(example, title=title, why=why)


# ---- search -------------------------------------------------------------------------


def search_screen(package: str, query: str = "") -> Screen[Any]:
    from explorer.tui.screens.search import SearchScreen

    return SearchScreen(package, query)


def search_hit_chosen(target: str) -> Message:
    from explorer.tui.screens.search import SearchScreen

    return SearchScreen.TargetChosen(target)


def hit_title(hit: Hit) -> Content:
    from explorer.tui.screens.search import hit_title as title

    return title(hit)


def open_library(package: str, *, build: bool) -> Opened:
    from explorer.proc.search.session import open_library as open_it

    return open_it(package, build=build)


# ---- docs as Markdown (docutils; Textual's Markdown widget, markdown-it) --------------


def markdown_widget(id: str) -> Markdown:
    """A Markdown view; links are posted (Markdown.LinkClicked), never opened by it."""
    from textual.widgets import Markdown

    return Markdown(id=id, open_links=False)


def doc_markdown(doc: Doc, value: str | None, width: int | None) -> str:
    from explorer.core.render.markdown import doc_markdown as render

    return render(doc, value, width)


def members_markdown(listing: Listing) -> str:
    from explorer.core.render.markdown import members_markdown as render

    return render(listing)


def indexed_doc_record(index: SearchIndex, qualname: str) -> Doc | None:
    """A name's Doc from the search index (the docstring parser loads with the first)."""
    from explorer.core.search.indexed_docs import doc_record

    return doc_record(index, qualname)
