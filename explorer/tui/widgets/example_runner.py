"""One docstring example with Run and Edit: code, a verdict badge, and what it printed.

A docstring's examples share one namespace in order, as in doctest. So Run
starts a fresh namespace seeded from the example's module (its globals plus
`import torch`), replays the earlier examples of the same docstring quietly
(`setup`), then runs this one and judges it with explorer.core.check: passed,
differs (expected and got side by side — a mismatch, not an error), error,
skipped, timeout, crashed. A +SKIP example runs only when asked explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.highlight import highlight
from textual.message import Message
from textual.widgets import Button, Static

from explorer.core import check
from explorer.core.check import PartChecker, PartVerdict
from explorer.core.model import Doc, Example, RunResult
from explorer.tui.services.kernel_session import KernelSession, format_duration
from explorer.tui.widgets.run_output import ExpectedGot, StatusBadge

CONTINUATION_STARTS = (" ", "\t", ")", "]", "}")


def doctest_text(source: str) -> str:
    """The example as a doctest session shows it, with `>>>` and `...` prompts."""
    lines = source.rstrip("\n").split("\n")
    return "\n".join(
        ("... " if index and line[:1] in CONTINUATION_STARTS else ">>> ") + line
        for index, line in enumerate(lines)
    )


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
    ExampleRunner .example-got { height: auto; }
    ExampleRunner .example-problem { height: auto; color: $text-error; }
    """

    BINDINGS = [
        Binding("r", "run", "Run example"),
        Binding("e", "edit", "Edit example"),
    ]

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
        yield Static(
            highlight(doctest_text(self.example.source), language="python"), classes="example-code"
        )
        if self.example.want:
            yield Static(Content(self.example.want.rstrip("\n")), classes="example-want")
        with Horizontal(classes="example-actions"):
            yield Button("Run", id="example-run", compact=True)
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

    @on(Button.Pressed, "#example-edit")
    def _edit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_edit()

    def action_run(self) -> None:
        """Run on request: this is the explicit ask, so +SKIP examples run too."""
        self.run_example(explicit=True)

    def action_edit(self) -> None:
        setup = "\n".join(e.source.rstrip("\n") for e in self.setup)
        self.post_message(
            self.EditRequested(
                self.example.source, setup=setup, seed_module=self.seed_module, title=self.title
            )
        )

    def run_example(self, *, explicit: bool = False) -> None:
        """Run and judge; a "run all" passes explicit=False so +SKIP is honoured."""
        reason = check.skip_reason(self.example)
        if reason and not explicit:
            self._show(PartVerdict(check.SKIPPED, message=reason))
            return
        self.query_one(StatusBadge).set_status("running")
        self._message("running…")
        self._run_worker()

    @work(group="example-run", exclusive=True)
    async def _run_worker(self) -> None:
        checker = PartChecker()
        fresh = True
        for earlier in self.setup:
            if check.skip_reason(earlier):
                continue
            part = checker.check(earlier, await self._run_part(earlier, fresh))
            fresh = False
            if part.verdict in check.FATAL:
                self._show(
                    PartVerdict(
                        part.verdict,
                        part.expected,
                        part.got,
                        f"an earlier example of this docstring failed: {part.message}",
                    )
                )
                return
        result = await self._run_capture(self.example.source, fresh)
        self.result = result
        verdict = checker.check(self.example, result)
        self._show(verdict, result)

    async def _run_part(self, example: Example, fresh: bool) -> RunResult:
        return await self._run_capture(example.source, fresh)

    async def _run_capture(self, source: str, fresh: bool) -> RunResult:
        return await self.session.run(source, seed_module=self.seed_module, fresh=fresh)

    # ---- showing ------------------------------------------------------------------

    def _show(self, verdict: PartVerdict, result: RunResult | None = None) -> None:
        self.verdict = verdict
        took = ""
        if result is not None and result.duration is not None:
            took = f" {format_duration(result.duration)}"
        self.query_one(StatusBadge).set_status(verdict.verdict, verdict.verdict + took)
        self._message(verdict.message)
        box = self.query_one(".example-result", Vertical)
        box.remove_children()
        box.mount_all(self._result_widgets(verdict))
        self.post_message(self.Finished(self, verdict))

    def _result_widgets(self, verdict: PartVerdict) -> list[Static | ExpectedGot]:
        if verdict.verdict == check.DIFFERS:
            return [ExpectedGot(verdict.diff_rows(), id="expected-got")]
        if verdict.verdict == check.SKIPPED:
            return []
        if verdict.verdict == check.PASSED:
            # With a want on screen already, "passed" says it all; without one, show
            # what the example printed or returned.
            shown = "" if self.example.want else verdict.got.rstrip("\n")
            return [Static(Content(shown), classes="example-got")] if shown.strip() else []
        # error, timeout, crashed: what it printed, then why it stopped
        return (
            [Static(Content(verdict.got.rstrip("\n")), classes="example-problem")]
            if (verdict.got.strip())
            else []
        )

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
