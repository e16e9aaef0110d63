"""The Textual app: one factory (`create_app`) for the CLI, the tests and the snapshots.

The UI process never imports the target: a worker subprocess (via Backend)
answers every question. When the target lives under torch the worker starts
importing torch while Textual is still painting its first frame (on the home
screen: the package of the latest recent target), and when the search index
covers the target, the first frame already shows its members and docs from the
index (explorer.tui.services.first_paint). Code runs in
kernel subprocesses, started on the first Run: one for the runner (variables
persist) and one for docstring examples (each Run seeds a fresh namespace).
"""

from __future__ import annotations

import asyncio
import gc
import sys
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.driver import Driver

from explorer import settings
from explorer.core.model import Doc
from explorer.tui import deferred
from explorer.tui.providers import IndexSearchProvider
from explorer.tui.screens.explorer import ExplorerScreen
from explorer.tui.screens.home import HomeScreen
from explorer.tui.screens.keys import KeysScreen
from explorer.tui.screens.variables import VariableScreen
from explorer.tui.services.backend import (
    DEFAULT_TIMEOUT,
    Backend,
    ClientFactory,
    worker_client_factory,
)
from explorer.tui.services.first_paint import FirstPaints
from explorer.tui.services.kernel_session import ClientFactory as KernelFactory
from explorer.tui.services.kernel_session import KernelSession, example_kernel_factory
from explorer.tui.services.recent import SUGGESTIONS, RecentTargets
from explorer.tui.services.session_backend import SessionBackend
from explorer.tui.widgets.doc_view import ExampleFactory
from explorer.tui.widgets.footer import AppFooter
from explorer.tui.workers import WorkerErrors, WorkerFailed

if TYPE_CHECKING:  # their modules load on first use (explorer.tui.deferred)
    from textual.widget import Widget

    from explorer.tui.screens.search import SearchScreen
    from explorer.tui.widgets.example_runner import ExampleRunner
    from explorer.tui.widgets.variables import VariablesPanel


class ExplorerApp(WorkerErrors, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "explore"
    COMMANDS = App.COMMANDS | {IndexSearchProvider}
    BINDINGS = [
        # q quits unless you are typing; while you type, the footer offers ^q instead.
        Binding("q", "quit_key", "Quit"),
        Binding("ctrl+q", "quit_typing", "Quit"),
        Binding("ctrl+q", "quit", "Quit", show=False),
        Binding("f3", "search", "Search"),
        Binding("f2", "open_runner", "Runner"),
        # ? lists the keys unless you are typing (then it is a "?"); f1 always does.
        Binding("question_mark", "keys_key", "Keys"),
        Binding("f1", "keys_typing", "Keys"),
        Binding("f1", "keys", "Keys", show=False),
    ]

    def __init__(
        self,
        target: str | None = None,
        *,
        backend: Backend | None = None,
        recent: RecentTargets | None = None,
        run_timeout: float | None = None,
        example_factory: ExampleFactory | None = None,
        kernel_factory: KernelFactory | None = None,
        first_paints: FirstPaints | None = None,
    ) -> None:
        super().__init__()
        self.initial_target = target
        self.backend = backend or Backend()
        self.recent = recent or RecentTargets()
        self.kernel = KernelSession(timeout=run_timeout, client_factory=kernel_factory)
        self.example_kernel = KernelSession(
            timeout=run_timeout, client_factory=kernel_factory or example_kernel_factory
        )
        self.example_factory = example_factory or self._example_runner
        # The search index paints targets before the worker has imported them.
        self.first_paints = first_paints or FirstPaints()
        self.last_search = ""  # F3 opens on the query typed last

    def get_driver_class(self) -> type[Driver]:
        if sys.platform != "win32":
            from explorer.tui.driver import QuickExitDriver

            return QuickExitDriver
        return super().get_driver_class()

    first_frame_drawn = False  # footers hold their keys until then (explorer.tui.widgets.footer)

    def on_ready(self) -> None:
        """Textual's first layout is done and its first frame is being drawn."""
        self.first_frame_drawn = True
        for footer in self.screen.query(AppFooter):
            footer.call_later(footer.show_keys)  # in the footer's own context: it composes

    def on_mount(self) -> None:
        self.start_backend()
        if self.initial_target:
            self.open_target(self.initial_target)
        else:
            self.push_screen(HomeScreen(self.recent, self.backend))

    @work(exit_on_error=False)
    async def start_backend(self) -> None:
        await self.backend.client()

    # ---- targets ------------------------------------------------------------------

    def open_target(self, target: str) -> None:
        if isinstance(self.screen, ExplorerScreen):
            self.screen.open_target(target)
        else:
            self.push_screen(
                ExplorerScreen(
                    self.backend,
                    target,
                    example_factory=self.example_factory,
                    first_paints=self.first_paints,
                )
            )

    @on(ExplorerScreen.TargetOpened)
    def _target_opened(self, event: ExplorerScreen.TargetOpened) -> None:
        """Only targets that opened are worth offering again on the home screen."""
        if not isinstance(event.screen, VariableScreen):
            self.recent.add(event.target)

    @on(HomeScreen.TargetChosen)
    def _target_chosen(self, event: HomeScreen.TargetChosen) -> None:
        self.open_target(event.target)

    @property
    def search_package(self) -> str:
        """The package whose index search uses: the current target's top-level name."""
        screens = [s for s in self.screen_stack if isinstance(s, ExplorerScreen)]
        target = screens[-1].target if screens else self.initial_target
        return target.split(".", 1)[0] if target else settings.DEFAULT_PACKAGE

    def action_search(self) -> None:
        self.push_screen(deferred.search_screen(self.search_package, self.last_search))

    def remember_search(self, query: str) -> None:
        self.last_search = query

    # Handlers named after their messages (not @on): the message classes live in modules
    # that load on first use, and no such message is posted before they have loaded.
    def on_search_screen_target_chosen(self, event: SearchScreen.TargetChosen) -> None:
        # The search screen is closing; open the hit once it is gone.
        self.call_after_refresh(self.open_target, event.target)

    # ---- runner and variables -------------------------------------------------------

    def _example_runner(self, doc: Doc, index: int) -> Widget:
        return deferred.example_runner(self.example_kernel, doc, index)

    def action_open_runner(self) -> None:
        """F2 opens the runner, and from the runner goes back to where you were."""
        if deferred.is_runner(self.screen) and len(self.screen_stack) > 1:
            self.pop_screen()
        else:
            deferred.open_runner(self, self.kernel)

    def on_example_runner_edit_requested(self, event: ExampleRunner.EditRequested) -> None:
        title = event.title or "Example"
        deferred.open_runner(
            self, self.kernel, code=event.code, title=title, seed_module=event.seed_module
        )

    def on_variables_panel_variable_open_requested(
        self, event: VariablesPanel.VariableOpenRequested
    ) -> None:
        """A live object from the runner, explored through the kernel that holds it."""
        backend = SessionBackend(self.kernel, self.backend.timeout)
        self.push_screen(
            VariableScreen(
                backend,
                event.name,
                example_factory=self.example_factory,
                value=event.variable.repr,
            )
        )

    # ---- keys, errors and quitting ------------------------------------------------

    def action_keys(self) -> None:
        if isinstance(self.screen, KeysScreen):
            self.screen.dismiss()
        else:
            self.push_screen(KeysScreen(self.screen))

    @property
    def typing(self) -> bool:
        """A text field has focus, so printable keys are text, not commands."""
        # Input and TextArea (only the runner has one) both edit text with the cursor; asking
        # for the action, not the class, keeps TextArea's import out of the start-up.
        return hasattr(self.focused, "action_delete_left")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that type text are commands only when no text field has focus; the
        footer then offers their ctrl/function-key twins instead."""
        if action in ("quit_key", "keys_key"):
            return not self.typing
        if action in ("quit_typing", "keys_typing"):
            return self.typing
        return True

    def action_help_quit(self) -> None:
        """Ctrl+C outside the runner: people press it to quit, so say how."""
        key = "Ctrl+Q" if self.typing else "q"
        self.notify(f"Press {key} to quit", title="Do you want to quit?")

    async def action_quit_key(self) -> None:
        await self.action_quit()

    async def action_quit_typing(self) -> None:
        await self.action_quit()

    def action_keys_key(self) -> None:
        self.action_keys()

    def action_keys_typing(self) -> None:
        self.action_keys()

    @on(WorkerFailed)
    def _worker_failed(self, event: WorkerFailed) -> None:
        """The fallback for errors no widget handled: say so, and keep going."""
        self.log.error(f"worker {event.worker.name} failed", event.error)
        self.notify(event.text, title="Something went wrong", severity="error", timeout=8)

    async def on_unmount(self) -> None:
        # Children are killed, not asked to finish: a worker may be importing torch and a
        # kernel may be in an endless loop, and quitting must not wait for either.
        await asyncio.gather(
            self.backend.close(grace=0),
            self.kernel.close(grace=0),
            self.example_kernel.close(grace=0),
        )
        self.first_paints.close()


def create_app(
    target: str | None = None,
    *,
    client_factory: ClientFactory | None = None,
    timeout: float | None = None,
    recent: RecentTargets | None = None,
    run_timeout: float | None = None,
    example_factory: ExampleFactory | None = None,
    kernel_factory: KernelFactory | None = None,
) -> ExplorerApp:
    """The app as the CLI runs it. `run_timeout` limits each run in the runner and the
    examples (`explore --timeout S`); without it a run goes on until interrupted.
    Tests pass a shorter request `timeout`, their own recent store, or kernels they
    share between tests (`kernel_factory`)."""
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    recent = recent or RecentTargets()
    warm = _warm_packages(target, recent)
    backend = Backend(client_factory or worker_client_factory(limit, warm), limit)
    first_paints = FirstPaints()
    if target:
        first_paints.prefetch(target)  # opens the index while Textual starts
    return ExplorerApp(
        target,
        backend=backend,
        recent=recent,
        run_timeout=run_timeout,
        example_factory=example_factory,
        kernel_factory=kernel_factory,
        first_paints=first_paints,
    )


def _warm_packages(target: str | None, recent: RecentTargets) -> list[str]:
    """What the worker starts importing as soon as it spawns: the target's package, or on
    the home screen the likeliest next one (the latest recent target's, else the first
    suggestion's), when it is one of the slow ones (settings.WARM_PACKAGES)."""
    likely = target or next(iter([*recent.load(), *SUGGESTIONS]), "")
    top = likely.split(".", 1)[0]
    return [top] if top in settings.WARM_PACKAGES else []


def run_app(target: str | None, *, run_timeout: float | None = None, **options: Any) -> int:
    """Run the TUI; the exit status is 1 when an unhandled exception ended it."""
    app = create_app(target, run_timeout=run_timeout)
    app.run(**options)
    # Skip the interpreter's final collection of every widget ever made: it added
    # ~0.2 s between quitting and the shell prompt.
    gc.freeze()
    return app.return_code or 0
