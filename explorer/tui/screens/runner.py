"""The runner: snippet library, a Python editor, run history and the kernel's variables.

Code runs only in the kernel subprocess (KernelSession), from @work workers:
runs in the exclusive "run" group, reset in its own group; interrupt (Ctrl+C,
as in Python) is a plain signal and never waits. A run has no time limit
unless `explore --timeout` set one. Variables persist between runs until
"reset". Switching snippets keeps each buffer's edits, so nothing typed is
lost. Narrower than WIDE columns, the editor and output get the whole width
and the snippets and variables open on demand (Ctrl+L, Ctrl+T).
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.actions import SkipAction
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from explorer.core.model import RunResult
from explorer.snippets import Snippet, list_snippets
from explorer.tui.services.kernel_session import KernelSession
from explorer.tui.widgets.code_editor import CodeEditor
from explorer.tui.widgets.footer import AppFooter
from explorer.tui.widgets.run_output import RunCard, RunOutput
from explorer.tui.widgets.variables import VariablesPanel
from explorer.tui.workers import WorkerErrors

RUNNER_SCREEN = "runner"  # the name the app installs the runner under
SCRATCH = "scratch"
SCRATCH_TITLE = "Scratch"
SCRATCH_HELP = (
    "Write Python here and press Ctrl+R to run it in the kernel; Ctrl+C interrupts it. "
    "Names you define stay for the next run; Ctrl+N starts a fresh namespace."
)
WIDE = 100  # columns from which snippets, editor and variables sit side by side


class RunnerScreen(WorkerErrors, Screen[None]):
    """Snippets on the left, editor and run history in the middle, variables on the right."""

    AUTO_FOCUS = "#editor"
    KEYS_TITLE = "Runner"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]
    BINDINGS = [
        Binding("ctrl+r", "run", "Run", priority=True),
        Binding("ctrl+c", "interrupt", "Interrupt", priority=True, show=False),
        Binding("ctrl+g", "interrupt", "Interrupt", priority=True, show=False),
        Binding("ctrl+n", "reset_kernel", "Reset", priority=True, tooltip="A fresh namespace"),
        Binding("ctrl+l", "toggle_snippets", "Snippets"),
        Binding("ctrl+t", "toggle_variables", "Variables"),
        Binding("escape", "close", "Leave the editor, then the runner", show=False),
    ]
    KEY_NOTES = (("ctrl+c", "Copy the selection when nothing runs"),)

    running: reactive[bool] = reactive(False)

    def __init__(
        self,
        session: KernelSession,
        *,
        snippet: str | None = None,
        snippets: list[Snippet] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.snippets = {s.name: s for s in (snippets if snippets is not None else list_snippets())}
        self.current = snippet if snippet in self.snippets else SCRATCH
        self.buffers: dict[str, str] = {}  # edits per snippet, kept while switching
        self.runs = 0
        self.pending_seed: str | None = None  # next run starts fresh, seeded from this module
        self._titles: dict[str, tuple[str, str]] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="runner-body"):
            options = [Option(SCRATCH_TITLE, id=SCRATCH)] + [
                Option(snippet.title, id=name) for name, snippet in self.snippets.items()
            ]
            snippet_list = OptionList(*options, id="snippet-list")
            snippet_list.border_title = "Snippets"
            yield snippet_list
            with Vertical(id="runner-main"):
                yield Static(id="snippet-title")
                yield Static(id="snippet-explanation")
                editor = CodeEditor.code_editor("", language="python", id="editor")
                editor.border_title = "Editor  (Ctrl+R runs)"
                yield editor
                yield RunOutput(
                    id="run-output", placeholder="Output of each run appears here, newest last."
                )
            panel = VariablesPanel(self.session, id="variables")
            panel.border_title = "Variables"
            yield panel
        yield AppFooter()

    def on_mount(self) -> None:
        self._show_buffer(self.current)
        snippet_list = self.query_one("#snippet-list", OptionList)
        snippet_list.highlighted = snippet_list.get_option_index(self.current)

    # ---- the editor's contents ----------------------------------------------------

    @property
    def editor(self) -> TextArea:
        return self.query_one("#editor", TextArea)

    @on(OptionList.OptionHighlighted, "#snippet-list")
    def _snippet_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id or SCRATCH
        if name != self.current:
            self.buffers[self.current] = self.editor.text
            self._show_buffer(name)

    @on(OptionList.OptionSelected, "#snippet-list")
    def _snippet_selected(self, event: OptionList.OptionSelected) -> None:
        self.remove_class("-show-snippets")
        self.editor.focus()

    def _show_buffer(self, name: str) -> None:
        self.current = name
        snippet = self.snippets.get(name)
        if name in self._titles:
            title, explanation = self._titles[name]
        elif snippet is not None:
            title, explanation = snippet.title, snippet.explanation
        else:
            title, explanation = SCRATCH_TITLE, SCRATCH_HELP
        self.query_one("#snippet-title", Static).update(Content(title))
        self.query_one("#snippet-explanation", Static).update(
            Content(" ".join(explanation.split()))
        )
        default = snippet.code if snippet is not None else ""
        self.editor.load_text(self.buffers.get(name, default))

    def load_code(
        self,
        code: str,
        *,
        title: str = "Example",
        explanation: str = "",
        seed_module: str | None = None,
    ) -> None:
        """Put code in the scratch buffer (an example's Edit); the next run is seeded
        from `seed_module` in a fresh namespace, as the docstring's examples expect.
        Works before the screen is shown too: it then opens on that code."""
        self._titles[SCRATCH] = (
            title,
            explanation
            or (
                f"Seeded from {seed_module}: the next run starts a fresh namespace with its "
                f"globals."
                if seed_module
                else SCRATCH_HELP
            ),
        )
        self.pending_seed = seed_module
        if not self.is_mounted:
            self.buffers[SCRATCH] = code
            self.current = SCRATCH
            return
        self.buffers[self.current] = self.editor.text
        self.buffers[SCRATCH] = code
        snippet_list = self.query_one("#snippet-list", OptionList)
        self._show_buffer(SCRATCH)
        snippet_list.highlighted = snippet_list.get_option_index(SCRATCH)
        self.editor.focus()

    # ---- running ------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A run of this screen is in flight."""
        return self.running

    def watch_running(self, running: bool) -> None:
        self.set_class(running, "-running")
        self.editor.border_subtitle = "running…  Ctrl+C interrupts" if running else ""

    def action_run(self) -> None:
        code = self.editor.text
        if not code.strip():
            self.notify("Nothing to run: the editor is empty.", severity="warning")
            return
        if self.running:
            self.notify("A run is in progress: Ctrl+C interrupts it.", severity="warning")
            return
        self.runs += 1
        output = self.query_one(RunOutput)
        seed, self.pending_seed = self.pending_seed, None
        if seed:
            output.note(f"fresh namespace seeded from {seed}")
        card = output.start_run(self.runs, code)
        self.running = True
        self.run_code(code, card, seed)

    @work(group="run", exclusive=True, exit_on_error=False)
    async def run_code(self, code: str, card: RunCard, seed: str | None = None) -> RunResult:
        try:
            result = await self.session.run(
                code, on_event=card.feed_event, seed_module=seed, fresh=seed is not None
            )
        finally:
            self.running = False
        card.finish(result)
        if result.status == "crashed":
            self.notify(result.message or "kernel died — restarted", severity="error")
        self.query_one(VariablesPanel).refresh_variables()
        return result

    def action_interrupt(self) -> None:
        """KeyboardInterrupt in the running code; never blocks the UI. With nothing
        running, Ctrl+C does what it does elsewhere (copy in the editor)."""
        if not self.running:
            raise SkipAction()
        self.session.interrupt()

    def action_reset_kernel(self) -> None:
        self.reset_kernel()

    @work(group="reset", exclusive=True, exit_on_error=False)
    async def reset_kernel(self) -> None:
        if self.running:
            self.session.interrupt()  # the reset waits for the run; make it end now
        try:
            await self.session.reset()
        except Exception as exc:  # noqa: BLE001 - shown, and the next run restarts it
            self.notify(f"reset failed: {exc}", severity="error")
            return
        self.pending_seed = None
        self.query_one(RunOutput).note("kernel reset: fresh namespace")
        self.query_one(VariablesPanel).refresh_variables()

    # ---- focus and leaving --------------------------------------------------------

    def action_toggle_snippets(self) -> None:
        self._toggle_side("-show-snippets", "#snippet-list")

    def action_toggle_variables(self) -> None:
        self._toggle_side("-show-variables", "#variables-table")

    def _toggle_side(self, shown: str, target: str) -> None:
        """Wide: focus the panel. Narrow: show it (focused), or hide it and go back to
        the editor."""
        if self.has_class("-narrow") and self.has_class(shown):
            self.remove_class(shown)
            self.editor.focus()
            return
        if self.has_class("-narrow"):
            self.remove_class("-show-snippets", "-show-variables")
            self.add_class(shown)
        self.query_one(target).focus()

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


def open_runner(
    app: App[Any],
    session: KernelSession,
    *,
    code: str | None = None,
    title: str = "Example",
    seed_module: str | None = None,
) -> RunnerScreen:
    """Show the app's one runner (installed on first use, so history and buffers last);
    with `code`, load it first (an example's Edit)."""
    if not app.is_screen_installed(RUNNER_SCREEN):
        app.install_screen(RunnerScreen(session), RUNNER_SCREEN)
    screen = app.get_screen(RUNNER_SCREEN, RunnerScreen)
    if code is not None:
        screen.load_code(code, title=title, seed_module=seed_module)
    if screen not in app.screen_stack:
        app.push_screen(RUNNER_SCREEN)
    return screen
