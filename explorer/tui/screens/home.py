"""`explore` with no target: type any dotted name, or pick a recent target or a suggestion."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from explorer.tui.services.backend import Backend
from explorer.tui.services.recent import SUGGESTIONS, RecentTargets
from explorer.tui.widgets.footer import AppFooter
from explorer.tui.widgets.target_input import DottedNames, TargetInput, checked_target

WELCOME = (
    "Explore a Python API: members, docs, help() and source.\n"
    "Type a dotted name (e.g. torch.distributions) and press Enter; → or Tab completes it.\n"
    "↓ picks a recent or suggested target. F2 opens the runner, Ctrl+Q quits."
)


class HomeScreen(Screen[None]):
    """Posts TargetChosen; the app opens the explorer on it."""

    KEYS_TITLE = "Home"
    BINDINGS = [Binding("down", "choose_from_list", "Recent and suggested targets", show=False)]

    class TargetChosen(Message):
        def __init__(self, target: str) -> None:
            super().__init__()
            self.target = target

    def __init__(self, recent: RecentTargets, backend: Backend | None = None) -> None:
        super().__init__()
        self.store = recent
        self.recent = recent.load()
        self.backend = backend
        self.names = DottedNames(backend, lambda: [*self.recent, *SUGGESTIONS])

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static("explore", id="home-title")
            yield Static(WELCOME, id="home-help")
            yield TargetInput(
                placeholder="target, e.g. torch.distributions",
                suggester=self.names,
                id="target-input",
            )
            choices = OptionList(*self._options(), id="home-choices")
            choices.border_title = "Recent and suggested"
            yield choices
        yield AppFooter()

    def _options(self) -> list[Option]:
        options: list[Option] = []
        if self.recent:
            options.append(Option(Content.styled("Recent", "bold $text-secondary"), disabled=True))
            options += [Option(target, id=f"recent:{target}") for target in self.recent]
        options.append(Option(Content.styled("Suggestions", "bold $text-secondary"), disabled=True))
        options += [Option(target, id=f"suggest:{target}") for target in SUGGESTIONS]
        return options

    def on_mount(self) -> None:
        self.query_one("#target-input", Input).focus()

    def action_choose_from_list(self) -> None:
        choices = self.query_one("#home-choices", OptionList)
        if not choices.has_focus:
            choices.focus()
            choices.action_first()

    def on_screen_resume(self) -> None:
        """Back from the explorer: what was just opened is now the first recent target."""
        recent = self.store.load()
        if recent != self.recent:
            self.recent = recent
            self.query_one("#home-choices", OptionList).set_options(self._options())

    @on(Input.Submitted, "#target-input")
    async def _typed(self, event: Input.Submitted) -> None:
        """A name that cannot be one is said under the field; a valid one opens, with an
        unfinished last segment completed as the suggestion shows."""
        if event.value.strip() and (target := await checked_target(event.input, self.names)):
            self.post_message(self.TargetChosen(target))

    @on(OptionList.OptionSelected, "#home-choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        target = (event.option.id or "").split(":", 1)[-1]
        if target:
            self.post_message(self.TargetChosen(target))
