"""The left pane: the target's members grouped by kind, with a fuzzy filter box."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import Matcher
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from explorer.core.model import Kind, Listing, Member


def group_members(members: Sequence[Member], query: str) -> list[tuple[Kind, list[Member]]]:
    """Members that match `query` (fuzzy), grouped by kind in the listing's order."""
    matcher = Matcher(query) if query else None
    groups: dict[Kind, list[tuple[float, Member]]] = {}
    for member in members:
        score = matcher.match(member.name) if matcher else 1.0
        if score > 0:
            groups.setdefault(member.kind, []).append((score, member))
    return [
        (kind, [m for _, m in sorted(scored, key=lambda pair: -pair[0])])
        for kind, scored in groups.items()
    ]


class MemberList(Vertical):
    """Posts Highlighted as the cursor moves and Activated on Enter or double click."""

    class Highlighted(Message):
        def __init__(self, member: Member | None) -> None:
            super().__init__()
            self.member = member

    class Activated(Message):
        def __init__(self, member: Member) -> None:
            super().__init__()
            self.member = member

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.listing: Listing | None = None
        self._by_name: dict[str, Member] = {}

    def compose(self) -> ComposeResult:
        yield Input(placeholder="/ filter members", id="member-filter")
        yield OptionList(id="member-options")

    @property
    def options(self) -> OptionList:
        return self.query_one("#member-options", OptionList)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#member-filter", Input)

    @property
    def selected(self) -> Member | None:
        option = self.options.highlighted_option
        return self._by_name.get(option.id) if option and option.id else None

    def show(
        self, listing: Listing, select: str | None = None, *, keep_filter: bool = True
    ) -> None:
        """Fill the list; highlight `select`, or the first member when `select` is None.

        A `select` that is not listed leaves nothing highlighted (and posts nothing),
        so the caller can show that name's doc without a race.
        """
        self.listing = listing
        self._by_name = {m.name: m for m in listing.members}
        if not keep_filter:
            with self.filter_input.prevent(Input.Changed):
                self.filter_input.value = ""
        self._render_options(select, fallback=False)

    def clear(self) -> None:
        self.listing, self._by_name = None, {}
        self.options.clear_options()
        self.border_subtitle = ""

    def select(self, name: str) -> bool:
        try:
            self.options.highlighted = self.options.get_option_index(name)
        except Exception:  # noqa: BLE001 - OptionDoesNotExist: the name is filtered out
            return False
        self.options.scroll_to_highlight()
        return True

    def _render_options(self, select: str | None, *, fallback: bool = True) -> None:
        if self.listing is None:
            return
        query = self.filter_input.value.strip()
        matcher = Matcher(query) if query else None
        grouped = group_members(self.listing.members, query)
        options: list[Option] = []
        for kind, members in grouped:
            title = f"{kind.heading} ({len(members)})"
            options.append(Option(Content.styled(title, "bold $text-secondary"), disabled=True))
            options += [Option(self._prompt(m, matcher), id=m.name) for m in members]
        self.options.set_options(options)
        shown = sum(len(members) for _, members in grouped)
        total = len(self.listing.members)
        self.border_subtitle = f"{shown}/{total}" if query else f"{total}"
        if select is not None and self.select(select):
            return
        if select is None or fallback:
            self._highlight_first()
        else:
            self.options.highlighted = None

    def _prompt(self, member: Member, matcher: Matcher | None) -> Content:
        name = matcher.highlight(member.name) if matcher else Content(member.name)
        if member.error:
            return Content.assemble(name, Content.styled(" !", "$text-error"))
        if member.kind.opens:
            return Content.assemble(name, Content.styled(" ›", "$text-muted"))
        return name

    def _highlight_first(self) -> None:
        for index, option in enumerate(self.options.options):
            if not option.disabled:
                self.options.highlighted = index
                return
        self.post_message(self.Highlighted(None))

    @on(Input.Changed, "#member-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        current = self.selected
        self._render_options(current.name if current else None)

    @on(Input.Submitted, "#member-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.options.focus()

    @on(OptionList.OptionHighlighted, "#member-options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self._by_name.get(event.option.id or "")))

    @on(OptionList.OptionSelected, "#member-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        member = self._by_name.get(event.option.id or "")
        if member is not None:
            self.post_message(self.Activated(member))
