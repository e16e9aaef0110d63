"""The runner: snippet library, a Python editor, run history and the kernel's variables.

Code runs only in the kernel subprocess (KernelSession), from @work workers:
runs in the exclusive "run" group, reset in its own group; interrupt (Ctrl+C,
as in Python) is a plain signal and never waits. A run has no time limit
unless `explore --timeout` set one. Switching snippets keeps each buffer's
edits and its undo history, so nothing typed is lost.

Namespaces follow IPython: Scratch is a cell (`%run -i`: it keeps the names of
earlier runs); a lesson or an example is a script (`%run`: each run starts a
fresh namespace, an example's seeded from its module) whose names stay for
Scratch afterwards. The editor's title says which, and the output notes each
fresh start. An example opened with Edit gets its own "Example" buffer, never
Scratch; a later example replaces it as one edit Ctrl+Z undoes.

Narrower than WIDE columns, the editor and output get the whole width and the
snippets and variables open on demand (Ctrl+L, Ctrl+T).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.actions import SkipAction
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from explorer.core.model import RunResult
from explorer.snippets import Snippet, list_snippets
from explorer.tui.services.kernel_session import KernelSession
from explorer.tui.widgets.code_editor import CodeEditor
from explorer.tui.widgets.footer import AppFooter
from explorer.tui.widgets.run_output import RunCard, RunOutput
from explorer.tui.widgets.variables import VariablesPanel
from explorer.tui.workers import WorkerErrors

if TYPE_CHECKING:
    from textual.document._history import EditHistory

RUNNER_SCREEN = "runner"  # the name the app installs the runner under
SCRATCH = "scratch"
SCRATCH_TITLE = "Scratch"
SCRATCH_HELP = (
    "Write Python here and press Ctrl+R to run it in the kernel; Ctrl+C interrupts it. "
    "Names you define stay for the next run, as in IPython, and so do the names a lesson "
    "or an example defined; Ctrl+N starts a fresh namespace."
)
EXAMPLE = "example"  # the buffer an example's Edit fills (listed, disabled until first use)
EXAMPLE_TITLE = "Example"
KEEPS_NAMES = "Editor · runs keep earlier names"
FRESH_NAMES = "Editor · each run starts fresh"
WIDE = 100  # columns from which snippets, editor and variables sit side by side


class Explanation(VerticalScroll):
    """The snippet's explanation, whole: it scrolls (with a scrollbar) when longer than
    its few lines, and Tab stops on it only then, to scroll it with the arrow keys."""

    DEFAULT_CSS = "Explanation:focus { background: $boost; }"

    def allow_focus(self) -> bool:
        return self.max_scroll_y > 0


class RunnerScreen(WorkerErrors, Screen[None]):
    """Snippets on the left, editor and run history in the middle, variables on the right."""

    AUTO_FOCUS = "#editor"
    KEYS_TITLE = "Runner"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]
    BINDINGS = [
        Binding("ctrl+r", "run", "Run", priority=True),
        Binding("ctrl+c", "interrupt", "Interrupt", priority=True),
        Binding("ctrl+g", "interrupt", "Interrupt", priority=True, show=False),
        Binding("ctrl+n", "reset_kernel", "Reset", priority=True, tooltip="A fresh namespace"),
        Binding("ctrl+l", "toggle_snippets", "Snippets"),
        Binding("ctrl+t", "toggle_variables", "Variables"),
        Binding("f4", "clear_editor", "Clear", show=False, tooltip="Empty the editor"),
        Binding("escape", "close", "Leave the editor, then the runner", show=False),
    ]
    KEY_NOTES = (
        ("^c", "Copy the selection when nothing runs"),
        ("^a", "Select all in the editor (Home: start of the line)"),
        ("^z ^y", "Undo, redo (loading an example is one edit too)"),
    )

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
        self._histories: dict[str, EditHistory] = {}  # and their undo histories
        self.runs = 0
        self.example_seed: str | None = None  # an example's runs start fresh from this module
        self.example: tuple[str, str] | None = None  # the Example buffer's title, explanation

    def compose(self) -> ComposeResult:
        with Horizontal(id="runner-body"):
            # Example: where an example's Edit puts its code (disabled until then)
            options = [
                Option(SCRATCH_TITLE, id=SCRATCH),
                Option(EXAMPLE_TITLE, id=EXAMPLE, disabled=True),
            ] + [Option(snippet.title, id=name) for name, snippet in self.snippets.items()]
            snippet_list = OptionList(*options, id="snippet-list")
            snippet_list.border_title = "Snippets"
            yield snippet_list
            with Vertical(id="runner-main"):
                yield Static(id="snippet-title")
                with Explanation(id="snippet-about"):
                    yield Static(id="snippet-explanation")
                yield CodeEditor.code_editor("", language="python", id="editor", soft_wrap=True)
                yield RunOutput(
                    id="run-output", placeholder="Output of each run appears here, newest last."
                )
            panel = VariablesPanel(self.session, id="variables")
            panel.border_title = "Variables"
            yield panel
        yield AppFooter()

    def on_mount(self) -> None:
        if self.example is not None:
            self._enable_example()
        self._show_buffer(self.current)
        snippet_list = self.query_one("#snippet-list", OptionList)
        snippet_list.highlighted = snippet_list.get_option_index(self.current)

    # ---- the editor's contents ----------------------------------------------------

    @property
    def editor(self) -> CodeEditor:
        return self.query_one("#editor", CodeEditor)

    @on(OptionList.OptionHighlighted, "#snippet-list")
    def _snippet_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id or SCRATCH
        if name != self.current:
            self._keep_buffer()
            self._show_buffer(name)

    @on(OptionList.OptionSelected, "#snippet-list")
    def _snippet_selected(self, event: OptionList.OptionSelected) -> None:
        self.remove_class("-show-snippets")
        self.editor.focus()

    def _keep_buffer(self) -> None:
        """Remember the current buffer's text and undo history (the editor is reused)."""
        editor = self.editor
        self.buffers[self.current] = editor.text
        self._histories[self.current] = editor.history
        editor.history = replace(editor.history)  # a fresh, empty one for the next buffer

    def _show_buffer(self, name: str) -> None:
        self._show_header(name)
        snippet = self.snippets.get(name)
        default = snippet.code if snippet is not None else ""
        editor = self.editor
        editor.load_text(self.buffers.get(name, default))
        if name in self._histories:
            editor.history = self._histories.pop(name)

    def _show_header(self, name: str) -> None:
        """Title, explanation and the editor's title for buffer `name`."""
        self.current = name
        snippet = self.snippets.get(name)
        if name == EXAMPLE and self.example is not None:
            title, explanation = self.example
        elif snippet is not None:
            title, explanation = snippet.title, snippet.explanation
        else:
            title, explanation = SCRATCH_TITLE, SCRATCH_HELP
        self.query_one("#snippet-title", Static).update(Content(title))
        self.query_one("#snippet-explanation", Static).update(
            Content(" ".join(explanation.split()))
        )
        self.query_one("#snippet-about").scroll_home(animate=False)
        self.editor.border_title = KEEPS_NAMES if name == SCRATCH else FRESH_NAMES

    def load_code(
        self,
        code: str,
        *,
        title: str = "Example",
        explanation: str = "",
        seed_module: str | None = None,
    ) -> None:
        """Put code in the Example buffer (an example's Edit); its runs start in a fresh
        namespace seeded from `seed_module`, as the docstring's examples expect. What
        the buffer held before is one Ctrl+Z away. Works before the screen is shown too:
        it then opens on that code."""
        self.example = (
            title,
            explanation
            or (
                f"Each run starts a fresh namespace seeded from {seed_module}, as "
                "the docstring's examples expect; Scratch then keeps the names."
                if seed_module
                else "Each run starts a fresh namespace; Scratch then keeps the names."
            ),
        )
        self.example_seed = seed_module
        if not self.is_mounted:
            self.buffers[EXAMPLE] = code
            self.current = EXAMPLE
            return
        self._enable_example()
        if self.current != EXAMPLE:
            self._keep_buffer()
            self._show_buffer(EXAMPLE)
        else:
            self._show_header(EXAMPLE)
        previous = self.editor.text
        self.editor.replace_all(code)
        if previous.strip() and previous != code:
            self.notify(f"{title} replaced the code in the Example buffer: Ctrl+Z brings it back.")
        snippet_list = self.query_one("#snippet-list", OptionList)
        snippet_list.highlighted = snippet_list.get_option_index(EXAMPLE)
        self.editor.focus()

    def _enable_example(self) -> None:
        self.query_one("#snippet-list", OptionList).enable_option(EXAMPLE)

    # ---- running ------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A run of this screen is in flight."""
        return self.running

    def watch_running(self, running: bool) -> None:
        self.set_class(running, "-running")
        self.editor.border_subtitle = "running…  Ctrl+C interrupts" if running else ""
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Interrupt is in the footer only while something runs; otherwise Ctrl+C goes on
        to the editor (copy)."""
        if action == "interrupt":
            return self.running
        return True

    def action_clear_editor(self) -> None:
        self.editor.replace_all("")
        self.editor.focus()

    def action_run(self) -> None:
        # Ctrl+R is a priority key, handled as it arrives, while keys typed just before
        # it may still wait in the editor's queue (pasted by tmux, or typed fast at 80
        # columns where each one re-wraps): queue the run behind them, not ahead.
        self.editor.call_later(self._run_editor_text)

    def _run_editor_text(self) -> None:
        code = self.editor.text
        if not code.strip():
            self.notify("Nothing to run: the editor is empty.", severity="warning")
            return
        if self.running:
            self.notify("A run is in progress: Ctrl+C interrupts it.", severity="warning")
            return
        self.runs += 1
        output = self.query_one(RunOutput)
        fresh, seed = self.current != SCRATCH, None
        if self.current == EXAMPLE:
            seed = self.example_seed
            output.note(f"fresh namespace seeded from {seed}" if seed else "fresh namespace")
        elif fresh:
            output.note("fresh namespace for this lesson (Scratch keeps the names)")
        card = output.start_run(self.runs, code, self._run_title())
        self.running = True
        self.run_code(code, card, seed, fresh)

    def _run_title(self) -> str | None:
        """A lesson's runs are named after it (they all start `import torch`), an
        example's after the example; Scratch's after their first line of code."""
        if self.current == EXAMPLE and self.example is not None:
            return self.example[0]
        snippet = self.snippets.get(self.current)
        return snippet.title if snippet is not None else None

    @work(group="run", exclusive=True, exit_on_error=False)
    async def run_code(
        self, code: str, card: RunCard, seed: str | None = None, fresh: bool = False
    ) -> RunResult:
        try:
            result = await self.session.run(
                code, on_event=card.feed_event, seed_module=seed, fresh=fresh or seed is not None
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
