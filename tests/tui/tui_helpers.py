"""What the explorer screen shows, read back from its widgets, and a wait helper."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Markdown, OptionList, Static

from explorer.tui.screens.explorer import ExplorerScreen
from explorer.tui.screens.runner import RunnerScreen
from explorer.tui.widgets.breadcrumb import Breadcrumb
from explorer.tui.widgets.doc_view import DocView
from explorer.tui.widgets.example_runner import ExampleRunner
from explorer.tui.widgets.member_list import ITSELF, MemberList


async def wait_for(pilot: Pilot, condition: Callable[[], object], timeout: float = 20.0) -> None:
    """Let the app run until `condition()` holds (worker answers arrive asynchronously)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s; {_showing(pilot.app)}")
        await pilot.pause(0.05)
    await pilot.pause()


def _showing(app: App) -> str:
    """What the screen says, for a failed wait's message."""
    if not isinstance(app.screen, ExplorerScreen):
        return f"screen {app.screen!r}"
    return f"target {breadcrumb(app)!r}, status {status(app)!r}"


def explorer(app: App) -> ExplorerScreen:
    screen = app.screen
    assert isinstance(screen, ExplorerScreen), f"expected the explorer, got {screen!r}"
    return screen


def breadcrumb(app: App) -> str:
    return explorer(app).query_one(Breadcrumb).target


def listed(app: App) -> list[str]:
    """Member names in the list, in screen order (headings and the target's own row left out)."""
    options = explorer(app).query_one(MemberList).options.options
    return [option.id for option in options if option.id and option.id != ITSELF]


def headings(app: App) -> list[str]:
    options = explorer(app).query_one(MemberList).options.options
    return [str(option.prompt) for option in options if option.disabled]


def selected(app: App) -> str | None:
    member = explorer(app).query_one(MemberList).selected
    return member.name if member else None


def doc_qualname(app: App) -> str | None:
    doc = explorer(app).query_one(DocView).doc
    return doc.qualname if doc else None


def doc_markdown(app: App) -> str:
    """The Doc tab's Markdown source ("" before the first doc mounts its view)."""
    views = explorer(app).query("#doc-markdown").results(Markdown)
    return next((view.source for view in views), "")


def example_blocks(app: App) -> list[ExampleRunner]:
    return list(explorer(app).query(ExampleRunner))


def status(app: App) -> str:
    return str(explorer(app).query_one("#status", Static).render())


def is_loaded(app: App, target: str) -> Callable[[], bool]:
    """The listing of `target` is on screen and its selection's doc has arrived."""

    def check() -> bool:
        screen = app.screen
        if not isinstance(screen, ExplorerScreen) or screen.listing is None:
            return False
        doc = screen.query_one(DocView).doc
        return screen.listing.target == target and doc is not None and not screen.workers

    return check


def painted_from_index(app: App, target: str) -> Callable[[], bool]:
    """The index's first paint of `target` is on screen (the live answer is not in yet)."""

    def check() -> bool:
        screen = app.screen
        return (
            isinstance(screen, ExplorerScreen)
            and screen.early is not None
            and screen.listing is not None
            and screen.listing.target == target
            and doc_qualname(app) == target
        )

    return check


async def open_runner(pilot: Pilot, snippet: str | None = None) -> RunnerScreen:
    """F2, as a user would; optionally pick a snippet in the library."""
    await pilot.press("f2")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, RunnerScreen))
    screen = pilot.app.screen
    assert isinstance(screen, RunnerScreen)
    if snippet is not None:
        snippets = screen.query_one("#snippet-list", OptionList)
        snippets.highlighted = snippets.get_option_index(snippet)
        await wait_for(pilot, lambda: screen.current == snippet)
    return screen
