"""The Textual app: one factory (`create_app`) for the CLI, the tests and the snapshots.

The UI process never imports the target: a worker subprocess (via Backend)
answers every question. When the target lives under torch the worker starts
importing torch while Textual is still painting its first frame. Code runs in
kernel subprocesses, started on the first Run: one for the runner (variables
persist) and one for docstring examples (each Run seeds a fresh namespace).
"""

from __future__ import annotations

from textual import on, work
from textual.app import App
from textual.binding import Binding

from explorer import settings
from explorer.tui.providers import IndexSearchProvider
from explorer.tui.screens.explorer import ExplorerScreen
from explorer.tui.screens.home import HomeScreen
from explorer.tui.screens.runner import open_runner
from explorer.tui.screens.search import DEFAULT_PACKAGE, SearchScreen
from explorer.tui.screens.variables import VariableScreen
from explorer.tui.services.backend import (
    DEFAULT_TIMEOUT,
    Backend,
    ClientFactory,
    worker_client_factory,
)
from explorer.tui.services.kernel_session import DEFAULT_RUN_TIMEOUT, KernelSession
from explorer.tui.services.recent import RecentTargets
from explorer.tui.services.session_backend import SessionBackend
from explorer.tui.widgets.doc_view import ExampleFactory
from explorer.tui.widgets.example_runner import ExampleRunner, example_runner_factory
from explorer.tui.widgets.variables import VariablesPanel


class ExplorerApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "explore"
    COMMANDS = App.COMMANDS | {IndexSearchProvider}
    BINDINGS = [
        Binding("question_mark", "toggle_keys", "Keys"),
        Binding("f2", "open_runner", "Runner"),
        Binding("f3", "search", "Search"),
        Binding("ctrl+q", "quit", "Quit", show=False),
    ]

    def __init__(
        self,
        target: str | None = None,
        *,
        backend: Backend | None = None,
        recent: RecentTargets | None = None,
        run_timeout: float = DEFAULT_RUN_TIMEOUT,
        example_factory: ExampleFactory | None = None,
    ) -> None:
        super().__init__()
        self.initial_target = target
        self.backend = backend or Backend()
        self.recent = recent or RecentTargets()
        self.kernel = KernelSession(timeout=run_timeout)
        self.example_kernel = KernelSession(timeout=run_timeout)
        self.example_factory = example_factory or example_runner_factory(self.example_kernel)

    def on_mount(self) -> None:
        self.start_backend()
        if self.initial_target:
            self.open_target(self.initial_target)
        else:
            self.push_screen(HomeScreen(self.recent))

    @work(group="backend", exit_on_error=False)
    async def start_backend(self) -> None:
        await self.backend.client()

    def open_target(self, target: str) -> None:
        self.recent.add(target)
        if isinstance(self.screen, ExplorerScreen):
            self.screen.open_target(target)
        else:
            self.push_screen(
                ExplorerScreen(
                    self.backend,
                    target,
                    example_factory=self.example_factory,
                )
            )

    @on(HomeScreen.TargetChosen)
    def _target_chosen(self, event: HomeScreen.TargetChosen) -> None:
        self.open_target(event.target)

    def action_toggle_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    @property
    def search_package(self) -> str:
        """The package whose index search uses: the current target's top-level name."""
        screens = [s for s in self.screen_stack if isinstance(s, ExplorerScreen)]
        target = screens[-1].target if screens else self.initial_target
        return target.split(".", 1)[0] if target else DEFAULT_PACKAGE

    def action_search(self) -> None:
        self.push_screen(SearchScreen(self.search_package))

    @on(SearchScreen.TargetChosen)
    def _search_hit_chosen(self, event: SearchScreen.TargetChosen) -> None:
        # The search screen is closing; open the hit once it is gone.
        self.call_after_refresh(self.open_target, event.target)

    def action_open_runner(self) -> None:
        open_runner(self, self.kernel)

    @on(ExampleRunner.EditRequested)
    def _edit_example(self, event: ExampleRunner.EditRequested) -> None:
        title = event.title or "Example"
        open_runner(self, self.kernel, code=event.code, title=title, seed_module=event.seed_module)

    @on(VariablesPanel.VariableOpenRequested)
    def _open_variable(self, event: VariablesPanel.VariableOpenRequested) -> None:
        """A live object from the runner, explored through the kernel that holds it."""
        backend = SessionBackend(self.kernel, self.backend.timeout)
        self.push_screen(VariableScreen(backend, event.name, example_factory=self.example_factory))

    async def on_unmount(self) -> None:
        await self.backend.close()
        await self.kernel.close()
        await self.example_kernel.close()


def create_app(
    target: str | None = None,
    *,
    client_factory: ClientFactory | None = None,
    timeout: float | None = None,
    recent: RecentTargets | None = None,
    run_timeout: float = DEFAULT_RUN_TIMEOUT,
    example_factory: ExampleFactory | None = None,
) -> ExplorerApp:
    """The app as the CLI runs it; tests pass a shorter timeout or their own recent store."""
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    warm = [top for top in settings.WARM_PACKAGES if target and target.split(".", 1)[0] == top]
    backend = Backend(client_factory or worker_client_factory(limit, warm), limit)
    return ExplorerApp(
        target,
        backend=backend,
        recent=recent,
        run_timeout=run_timeout,
        example_factory=example_factory,
    )


def run_app(target: str | None, *, run_timeout: float = DEFAULT_RUN_TIMEOUT) -> int:
    create_app(target, run_timeout=run_timeout).run()
    return 0
