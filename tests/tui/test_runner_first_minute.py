"""A newcomer's first minute in the runner (issue 8): nothing typed is lost, the keys
people bring from other editors, which namespace a run uses, output that follows
its end, and nothing cut mid-word. A scripted kernel stands in for the real one
(what a run does is tested against the real kernel in test_runner*.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey
from tui_helpers import open_runner, wait_for

from explorer.core.model import RunResult, RunStatus, TensorInfo, Variable, Variables
from explorer.proc.messages import Event, Output, RunRequest, VariablesRequest
from explorer.snippets import list_snippets
from explorer.tui import deferred
from explorer.tui.app import ExplorerApp, create_app
from explorer.tui.screens.runner import EXAMPLE, SCRATCH, RunnerScreen
from explorer.tui.widgets.run_output import OutputLog, RunOutput, run_label
from explorer.tui.widgets.variables import VariablesPanel, break_long_words

TRACEBACK = "Traceback (most recent call last):\n" + "".join(
    f'  File "<run>", line {n}, in <module>\n    step_{n}()\n' for n in range(12)
)


class ScriptedKernel:
    """A kernel client that records each run request and answers at once (or when
    `release` is set, to hold a run "in progress"); `lines` of output are streamed."""

    def __init__(self, lines: int = 0, result: RunResult | None = None) -> None:
        self.timeout = 0.0
        self.requests: list[RunRequest] = []
        self.lines = lines
        self.result = result or RunResult(RunStatus.OK, duration=0.01)
        self.release: asyncio.Event | None = None

    async def start(self) -> None:
        pass

    async def ask(self, request: Any, *, timeout: float | None = None) -> Any:
        if isinstance(request, VariablesRequest):
            return Variables(())
        return None

    async def run(
        self, request: RunRequest, *, timeout: float | None = None, on_event: Any = None
    ) -> RunResult:
        self.requests.append(request)
        for n in range(self.lines):
            event: Event = Output("stdout", f"line {n}\n")
            on_event(event)
        if self.release is not None:
            await self.release.wait()
        return self.result

    async def restart(self) -> None:
        pass

    def interrupt(self) -> None:
        if self.release is not None:
            self.release.set()

    async def close(self, grace: float = 1.0) -> None:
        pass


def scripted_app(kernel: ScriptedKernel) -> ExplorerApp:
    return create_app(None, kernel_factory=lambda _timeout: kernel)


async def run_and_wait(pilot: Pilot, screen: RunnerScreen) -> None:
    output = screen.query_one(RunOutput)
    before = len(output.cards)
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: len(output.cards) > before and output.cards[-1].result)


# ---- 1. nothing typed is lost --------------------------------------------------------


async def test_an_example_never_replaces_what_was_typed_in_scratch() -> None:
    app = create_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_runner(pilot)
        await pilot.press(*"while True: pass")
        await pilot.press("f2")  # back to the explorer, as the newcomer did
        await pilot.pause()
        deferred.open_runner(app, app.kernel, code="print(1)", title="Ex 1", seed_module="json")
        await wait_for(pilot, lambda: app.screen is screen and screen.current == EXAMPLE)
        assert screen.editor.text == "print(1)"
        snippets = screen.query_one("#snippet-list", OptionList)
        snippets.highlighted = snippets.get_option_index(SCRATCH)
        await wait_for(pilot, lambda: screen.current == SCRATCH)
        assert screen.editor.text == "while True: pass"


async def test_a_second_example_is_one_undo_away_from_the_edited_first() -> None:
    app = create_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        deferred.open_runner(app, app.kernel, code="x = 1", title="Example 1")
        await wait_for(pilot, lambda: isinstance(app.screen, RunnerScreen))
        screen = app.screen
        assert isinstance(screen, RunnerScreen)
        await pilot.press("end", *"  # mine")
        await pilot.press("escape", "escape")  # leave the editor, then the runner
        await pilot.pause()
        deferred.open_runner(app, app.kernel, code="y = 2", title="Example 2")
        await wait_for(pilot, lambda: app.screen is screen and screen.editor.text == "y = 2")
        assert any("Ctrl+Z" in n.message for n in app._notifications)
        await pilot.press("ctrl+z")
        assert screen.editor.text == "x = 1  # mine"


async def test_undo_history_survives_switching_snippets() -> None:
    app = create_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_runner(pilot)
        await pilot.press(*"a = 1")
        await open_runner_snippet(pilot, screen, "detach")
        await open_runner_snippet(pilot, screen, SCRATCH)
        assert screen.editor.text == "a = 1"
        await pilot.press("ctrl+z")
        assert screen.editor.text == ""


async def open_runner_snippet(pilot: Pilot, screen: RunnerScreen, name: str) -> None:
    snippets = screen.query_one("#snippet-list", OptionList)
    snippets.highlighted = snippets.get_option_index(name)
    await wait_for(pilot, lambda: screen.current == name)


# ---- 2. select all and clear ---------------------------------------------------------


async def test_ctrl_a_selects_all_and_f4_clears_undoably() -> None:
    app = create_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_runner(pilot)
        await pilot.press(*"a = 1", "enter", *"b = 2")
        await pilot.press("home")
        assert screen.editor.cursor_location == (1, 0)
        await pilot.press("ctrl+a")
        assert screen.editor.selected_text == "a = 1\nb = 2"
        await pilot.press("f4")
        assert screen.editor.text == ""
        await pilot.press("ctrl+z")
        assert screen.editor.text == "a = 1\nb = 2"


# ---- 3. which namespace a run uses ---------------------------------------------------


async def test_lessons_and_examples_start_fresh_and_scratch_keeps_names() -> None:
    kernel = ScriptedKernel()
    app = scripted_app(kernel)
    async with app.run_test(size=(120, 40)) as pilot:
        lesson = list_snippets()[0]
        screen = await open_runner(pilot, lesson.name)
        assert "fresh" in str(screen.editor.border_title)
        await run_and_wait(pilot, screen)
        await open_runner_snippet(pilot, screen, SCRATCH)
        assert "keep" in str(screen.editor.border_title)
        screen.editor.load_text("x = 1")
        await run_and_wait(pilot, screen)
        screen.load_code("y = 2", title="Example 1", seed_module="json")
        await pilot.pause()
        await run_and_wait(pilot, screen)
        titles = [str(card.query_one(".run-title").render()) for card in output_cards(screen)]
        assert titles == [f"In [1]  {lesson.title}", "In [2]  x = 1", "In [3]  Example 1"]
        fresh = [(r.fresh, r.seed_module) for r in kernel.requests]
        assert fresh == [(True, None), (False, None), (True, "json")]
        notes = [str(n.render()) for n in screen.query(".run-note")]
        assert len(notes) == 2 and "fresh namespace" in notes[0] and "json" in notes[1]


def output_cards(screen: RunnerScreen) -> list[Any]:
    return screen.query_one(RunOutput).cards


# ---- 4 and 5. output follows the end; Interrupt in the footer while running ----------


async def test_output_follows_the_end_of_a_run_unless_scrolled_up() -> None:
    kernel = ScriptedKernel(
        lines=30, result=RunResult(RunStatus.INTERRUPTED, traceback=TRACEBACK + "KeyboardInterrupt")
    )
    kernel.release = asyncio.Event()  # the run streams, then goes on until "interrupted"
    app = scripted_app(kernel)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_runner(pilot)
        output = screen.query_one(RunOutput)
        screen.editor.load_text("while True: pass")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: output.cards and "line 29" in output.cards[-1].output_text)
        await pilot.pause()
        kernel.release.set()
        await wait_for(pilot, lambda: output.cards[-1].result)
        await wait_for(pilot, lambda: output.max_scroll_y > 0 and output.is_vertical_scroll_end, 5)
        trace = output.cards[-1].query_one(".run-traceback")
        assert trace.region.bottom <= output.region.bottom  # KeyboardInterrupt in view
        log = output.cards[-1].query_one(OutputLog)
        # "line 29" in view too (the log scrolls after its own layout: on a busy machine,
        # a refresh after the outer view's)
        await wait_for(pilot, lambda: log.max_scroll_y > 0 and log.is_vertical_scroll_end, 5)
        output.scroll_home(animate=False)  # the user reads an earlier run
        await pilot.pause()
        kernel.release = None
        await run_and_wait(pilot, screen)
        await pilot.pause()
        assert output.is_vertical_scroll_end  # a new run brings the end back
        output.scroll_home(animate=False)
        await pilot.pause()
        output.cards[-1].query_one(OutputLog).feed("more\n" * 5)
        output.cards[-1].query_one(OutputLog).flush()
        await pilot.pause()
        assert output.scroll_y == 0  # scrolled up: left where the user put it


def footer_keys(screen: RunnerScreen) -> list[str]:
    return [key.description for key in screen.query(FooterKey)]


async def test_footer_offers_interrupt_only_while_a_run_goes_on() -> None:
    kernel = ScriptedKernel()
    kernel.release = asyncio.Event()
    app = scripted_app(kernel)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_runner(pilot)
        await wait_for(pilot, lambda: "Run" in footer_keys(screen))
        assert "Interrupt" not in footer_keys(screen)
        screen.editor.load_text("while True: pass")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "Interrupt" in footer_keys(screen))
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: not screen.busy and "Interrupt" not in footer_keys(screen))


# ---- 6. a run's label ----------------------------------------------------------------


def test_a_run_is_labelled_by_its_first_line_of_code() -> None:
    code = '# xdoctest: +IGNORE_WANT("non-deterministic")\n\n# setup\nx = 1\nprint(x)\n'
    assert run_label(code) == "x = 1  (+1 lines)"
    assert run_label("# only a comment") == "# only a comment"
    assert run_label("   \n") == "(empty)"


# ---- 7 and 8. nothing cut mid-word ---------------------------------------------------


def test_only_words_wider_than_a_line_are_broken_after_their_dots() -> None:
    text = "n: torch.distributions.normal.Normal Normal(loc: tensor([0.]), scale: 1)"
    assert break_long_words(text, 40) == text  # the widget wraps it between words
    broken = break_long_words(text, 28)
    assert broken == text.replace("normal.Normal ", "normal.\nNormal ")
    assert break_long_words("x" * 30, 12) == "x" * 12 + "\n" + "x" * 12 + "\n" + "x" * 6


async def test_variables_and_output_wrap_at_words_at_80_columns() -> None:
    app = scripted_app(ScriptedKernel())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_runner(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        panel = screen.query_one(VariablesPanel)
        tensor = TensorInfo((4,), "float32", "cpu", True, True, None, None)
        n_type = "torch.distributions.normal.Normal"
        panel.show_variables(
            [
                Variable("x", "torch.Tensor", "tensor", "tensor([0., 1.])", tensor=tensor),
                Variable("n", n_type, "data", "Normal(loc: torch.Size([]), scale: 1)"),
            ]
        )
        await pilot.pause()
        table = panel.query_one("#variables-table")
        widths = [column.width for column in table.columns.values()]  # type: ignore[attr-defined]
        assert sum(widths) + 2 * len(widths) <= table.size.width - 1  # no column past the edge
        rendered = "\n".join(line.text for line in table.render_lines(table.region.reset_offset))
        assert "requires_grad" in rendered and "Normal" in rendered
        table.focus()
        table.move_cursor(row=1)  # type: ignore[attr-defined]
        await pilot.pause()
        note = str(panel.query_one("#graph-note").render())
        assert "torch.distributions." in note and "Norma\n" not in note
        long_value = "tensor([" + ", ".join(f"{n}." for n in range(200)) + "])"
        panel.show_variables([Variable("t", "torch.Tensor", "data", long_value)])
        await pilot.pause()
        note = str(panel.query_one("#graph-note").render())
        assert "199.])" in note  # all of it, scrolled rather than cut
        assert panel.query_one("#note-scroll").max_scroll_y > 0
        log = OutputLog()
        await screen.query_one(RunOutput).mount(log)
        log.feed("x = tensor([0., 1., 2., 3.], requires_grad=True) " * 2)
        log.flush()
        await pilot.pause()
        assert all(not row.endswith("req") for row in log.shown_lines)
        assert any(row.rstrip().endswith("requires_grad=True)") for row in log.shown_lines)


async def test_the_whole_explanation_scrolls_and_snippet_lines_fit_the_editor() -> None:
    app = create_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        lesson = max(list_snippets(), key=lambda s: len(s.explanation))
        screen = await open_runner(pilot, lesson.name)
        await pilot.pause()
        about = screen.query_one("#snippet-about")
        explanation = str(screen.query_one("#snippet-explanation").render())
        assert explanation.split()[-1] == lesson.explanation.split()[-1]
        assert about.max_scroll_y > 0 and about.show_vertical_scrollbar
        assert about.focusable  # Tab reaches it, to scroll it with the arrow keys
        editor = screen.editor
        assert editor.size.width >= 56  # and soft wrap shows what is wider:
        assert editor.virtual_size.width <= editor.size.width  # soft-wrapped: nothing to the right


async def test_ctrl_r_runs_everything_typed_before_it() -> None:
    """Keys typed faster than the editor handles them (tmux send-keys, a fast typist
    at 80 columns with soft wrap) queue up; Ctrl+R must run all of them, not a prefix."""
    kernel = ScriptedKernel()
    app = scripted_app(kernel)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_runner(pilot)
        code = "n = torch.distributions.Normal(torch.tensor([0.0]), torch.tensor([1.0]))"
        for char in code:
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("ctrl+r", None))
        await wait_for(pilot, lambda: kernel.requests)
        assert kernel.requests[0].code == code
        assert screen.editor.text == code
