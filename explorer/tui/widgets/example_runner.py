"""One docstring example with Run, Run from Example 1 and Edit: code, a verdict badge,
and what every run produced.

A docstring's examples share one namespace in order, as in doctest. So Run
starts a fresh namespace seeded from the example's module (its globals plus the
package's example conventions, named in the panel's subtitle: torch, nn, F, np
for torch), replays the earlier examples of the same docstring that are not
skipped (`setup`), then runs this one and judges it with explorer.core.check:
passed, differs (expected and got side by side — a mismatch, not an error;
"random output" when the example draws unseeded random numbers), error,
skipped, timeout, crashed. A +SKIP example runs only when asked explicitly;
"Run from Example 1" (R) replays every earlier example, skipped ones too, for an
example that needs the setup a directive skipped.

The run worker handles its own errors: a failure outside the kernel's run (a
broken session) shows in the widget as an internal error and never closes the app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static
from textual.worker import Worker, WorkerState

from explorer.core import check
from explorer.core.check import PartChecker, PartVerdict
from explorer.core.conventions import conventions
from explorer.core.model import Doc, Example, RunResult
from explorer.tui.services.kernel_session import KernelSession, format_duration
from explorer.tui.widgets.example_code import EXAMPLE_KEYS, ExampleCode
from explorer.tui.widgets.run_output import ExpectedGot, StatusBadge

RUN_GROUP = "example-run"


@lru_cache(maxsize=32)
def namespace_note(seed_module: str | None) -> str:
    """What an example's namespace holds besides its module's globals (the subtitle)."""
    if not seed_module:
        return ""
    names = ", ".join(name for name, _ in conventions(seed_module))
    package = seed_module.split(".")[0]
    return f"module globals + {names} ({package}'s conventions)" if names else ""


class ExampleRunner(Vertical, can_focus=True):
    """A runnable docstring example (Run: r or the button; Edit: e or the button)."""

    DEFAULT_CSS = """
    ExampleRunner { height: auto; border: round $secondary 60%; padding: 0 1; margin: 0 0 1 0;
                    border-title-color: $text-secondary; }
    ExampleRunner:focus, ExampleRunner:focus-within { border: round $secondary; }
    ExampleRunner .example-code { height: auto; }
    ExampleRunner .example-want { height: auto; color: $text-muted; }
    ExampleRunner .example-actions { height: 1; margin-top: 1; }
    ExampleRunner .example-actions Button { margin-right: 1; min-width: 6; width: auto; }
    ExampleRunner .example-result { height: auto; }
    ExampleRunner .example-message { width: 1fr; padding: 0 1; color: $text-muted; }
    ExampleRunner .example-got { height: auto; border-left: outer $success 60%; padding-left: 1; }
    ExampleRunner .example-got.-empty { color: $text-muted; }
    ExampleRunner .example-problem { height: auto; color: $text-error; }
    """

    BINDINGS = EXAMPLE_KEYS

    class EditRequested(Message):
        """Load this example (after the earlier ones it needs) into the snippet editor.

        Handled as `on_example_runner_edit_requested` (it is ExampleRunner.EditRequested),
        so it never collides with other widgets' edit messages.
        """

        def __init__(
            self, source: str, *, setup: str = "", seed_module: str | None = None, title: str = ""
        ) -> None:
            super().__init__()
            self.source = source
            self.setup = setup  # the earlier examples of the docstring, which it may rely on
            self.seed_module = seed_module
            self.title = title

        @property
        def code(self) -> str:
            return f"{self.setup.rstrip()}\n{self.source}" if self.setup.strip() else self.source

    class Finished(Message):
        """A run of this example ended (any verdict)."""

        def __init__(self, runner: ExampleRunner, verdict: PartVerdict) -> None:
            super().__init__()
            self.runner = runner
            self.verdict = verdict

    def __init__(
        self,
        example: Example,
        session: KernelSession,
        *,
        seed_module: str | None = None,
        setup: Sequence[Example] = (),
        title: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.example = example
        self.session = session
        self.seed_module = seed_module
        self.setup = list(setup)
        self.title = title
        self.verdict: PartVerdict | None = None
        self.result: RunResult | None = None

    def compose(self) -> ComposeResult:
        directives = " ".join(self.example.directives)
        self.border_title = " ".join(p for p in (self.title or "Example", directives) if p)
        self.border_subtitle = namespace_note(self.seed_module)
        yield ExampleCode(self.example.source)
        if self.example.want:
            yield Static(Content(self.example.want.rstrip("\n")), classes="example-want")
        with Horizontal(classes="example-actions"):
            yield Button("Run", id="example-run", compact=True)
            if self.setup:
                yield Button("Run from Example 1", id="example-run-all", compact=True)
            yield Button("Edit", id="example-edit", compact=True)
            reason = check.skip_reason(self.example)
            yield StatusBadge(check.SKIPPED if reason else "", id="example-status")
            yield Static(
                Content(f"{reason}: runs only when you press Run" if reason else ""),
                classes="example-message",
            )
        yield Vertical(classes="example-result")

    @property
    def status(self) -> str:
        return self.query_one(StatusBadge).status

    # ---- actions ------------------------------------------------------------------

    @on(Button.Pressed, "#example-run")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_run()

    @on(Button.Pressed, "#example-run-all")
    def _run_all_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_run_from_top()

    @on(Button.Pressed, "#example-edit")
    def _edit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_edit()

    def action_run(self) -> None:
        """Run on request: this is the explicit ask, so +SKIP examples run too."""
        self.run_example(explicit=True)

    def action_run_from_top(self) -> None:
        """Run every earlier example of the docstring first, skipped ones included."""
        self.run_example(explicit=True, from_top=True)

    def action_edit(self) -> None:
        setup = "\n".join(e.source.rstrip("\n") for e in self.setup)
        self.post_message(
            self.EditRequested(
                self.example.source, setup=setup, seed_module=self.seed_module, title=self.title
            )
        )

    def run_example(self, *, explicit: bool = False, from_top: bool = False) -> None:
        """Run and judge; a "run all" passes explicit=False so +SKIP is honoured."""
        reason = check.skip_reason(self.example)
        if reason and not explicit:
            self.call_later(self._show, PartVerdict(check.SKIPPED, message=reason))
            return
        self.query_one(StatusBadge).set_status("running")
        self._message("running…")
        self._run_worker(from_top)

    @work(group=RUN_GROUP, exclusive=True, exit_on_error=False)
    async def _run_worker(self, from_top: bool) -> None:
        checker = PartChecker(check.package_options(self.seed_module))
        fresh = True
        passed_over: list[str] = []  # earlier examples a directive kept from running
        for number, earlier in enumerate(self.setup, start=1):
            reason = check.skip_reason(earlier)
            if reason == check.COMMENTS_ONLY or (reason and not from_top):
                if reason != check.COMMENTS_ONLY:
                    passed_over.append(f"Example {number} ({reason})")
                continue
            result = await self._run_capture(earlier.source, fresh)
            part = checker.check(earlier, result)
            fresh = False
            if part.verdict in check.FATAL:
                why = f"Example {number} above failed first: {part.message}"
                await self._show(replace(part, message=why), result)
                return
        result = await self._run_capture(self.example.source, fresh)
        self.result = result
        verdict = checker.check(self.example, result)
        if verdict.verdict == check.ERROR and passed_over and "NameError" in verdict.message:
            hint = f"{', '.join(passed_over)} did not run: R runs from Example 1"
            verdict = replace(verdict, message=f"{verdict.message} — {hint}")
        await self._show(verdict, result)

    async def _run_capture(self, source: str, fresh: bool) -> RunResult:
        return await self.session.run(source, seed_module=self.seed_module, fresh=fresh)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """This widget's own worker failed outside the kernel: say so here, stay alive."""
        if event.worker.group != RUN_GROUP or event.state != WorkerState.ERROR:
            return
        event.stop()
        message = f"internal error: {event.worker.error!r}"
        self.call_later(self._show, PartVerdict(check.ERROR, message=message))

    # ---- showing ------------------------------------------------------------------

    async def _show(self, verdict: PartVerdict, result: RunResult | None = None) -> None:
        """The verdict, replacing the last one: badge, message and what the run produced."""
        self.verdict = verdict
        took = ""
        if result is not None and result.duration is not None:
            took = f" {format_duration(result.duration)}"
        badge = self.query_one(StatusBadge)
        badge.set_status(verdict.verdict, verdict.label + took)
        badge.set_class(verdict.random, "-random")
        self._message(verdict.message)
        box = self.query_one(".example-result", Vertical)
        await box.remove_children()
        await box.mount_all(self._result_widgets(verdict, result))
        self.post_message(self.Finished(self, verdict))

    def _result_widgets(self, verdict: PartVerdict, result: RunResult | None) -> list[Widget]:
        if verdict.verdict == check.DIFFERS:
            return [ExpectedGot(verdict.diff_rows(), classes="expected-got")]
        if verdict.verdict == check.SKIPPED or result is None:
            return []
        if verdict.verdict == check.PASSED:
            # What it printed, else the value a REPL would echo: every run shows its output.
            shown = verdict.got.rstrip("\n")
            if not shown.strip():
                return [Static("(no output)", classes="example-got -empty")]
            return [Static(Content(shown), classes="example-got")]
        # error, timeout, crashed: what it printed, then why it stopped
        problem = verdict.got.rstrip("\n")
        return [Static(Content(problem), classes="example-problem")] if problem.strip() else []

    def _message(self, text: str) -> None:
        self.query_one(".example-message", Static).update(Content(text))


ExampleEditRequested = ExampleRunner.EditRequested  # the name the app knows it by


def example_runner_factory(session: KernelSession) -> Callable[[Doc, int], ExampleRunner]:
    """DocView's `example_factory`: a runner per example, seeded by the object's qualname
    (the kernel seeds from the module that defines it) after the docstring's earlier
    examples."""

    def make(doc: Doc, index: int) -> ExampleRunner:
        return ExampleRunner(
            doc.examples[index],
            session,
            seed_module=doc.qualname,
            setup=doc.examples[:index],
            title=f"Example {index + 1}",
        )

    return make
