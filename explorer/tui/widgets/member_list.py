"""The left pane: the target itself, then its members grouped by kind, with a filter box.

The first row is the target itself, so its own docs are one key away (Home, or
`t` on the screen). Typing in the filter ranks every member across kinds:
exact name, then prefix, then a word inside the name, then any substring, then
fuzzy; Enter opens the top match.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import Matcher
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from explorer.core.model import Kind, Listing, Member

ITSELF = "<itself>"  # the option id of the target's own row (never an attribute name)


def group_members(members: Sequence[Member]) -> list[tuple[Kind, list[Member]]]:
    """Members grouped by kind, in the listing's order."""
    groups: dict[Kind, list[Member]] = {}
    for member in members:
        groups.setdefault(member.kind, []).append(member)
    return list(groups.items())


def _at_word_start(name: str, start: int) -> bool:
    """`start` begins a word: after `_` or a digit, or a capital after a small letter."""
    before = name[start - 1]
    return before in "_." or before.isdigit() or (name[start].isupper() and before.islower())


def match_tier(name: str, query: str) -> int | None:
    """0 exact, 1 exact ignoring case, 2 prefix, 3 word inside, 4 substring; None otherwise."""
    if name == query:
        return 0
    folded, wanted = name.lower(), query.lower()
    if folded == wanted:
        return 1
    if folded.startswith(wanted):
        return 2
    start = folded.find(wanted, 1)
    if start < 0:
        return None
    while start >= 0:
        if _at_word_start(name, start):
            return 3
        start = folded.find(wanted, start + 1)
    return 4


FUZZY_TIER = 5


def rank_members(members: Sequence[Member], query: str) -> list[tuple[int, Member]]:
    """(tier, member) for every member matching `query`, best first, kinds mixed (see the
    module docstring); FUZZY_TIER marks letters-in-order matches."""
    matcher = Matcher(query)
    scored: list[tuple[tuple[int, float, bool, int, str], Member]] = []
    for member in members:
        name = member.name
        tier = match_tier(name, query)
        fuzzy = 0.0
        if tier is None:
            fuzzy = matcher.match(name)
            if fuzzy <= 0:
                continue
            tier = FUZZY_TIER
        scored.append(((tier, -fuzzy, name.startswith("_"), len(name), name), member))
    return [(key[0], member) for key, member in sorted(scored, key=lambda pair: pair[0])]


def filter_words(text: str, target: str) -> tuple[str, str]:
    """(what filters the members, the rest of a dotted path) for the filter's text:
    a pasted `torch.distributions.Normal.sample` on torch.distributions filters by
    `Normal` and leaves `sample`, as typing `Normal.sample` does."""
    text = text.strip()
    for prefix in (target + ".", target.rsplit(".", 1)[-1] + "."):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    head, _, rest = text.partition(".")
    return head, rest


class MemberList(Vertical):
    """Posts Highlighted as the cursor moves (member None: the target itself) and
    Activated on Enter or double click."""

    class Highlighted(Message):
        def __init__(self, member: Member | None) -> None:
            super().__init__()
            self.member = member

    class Activated(Message):
        """Enter on a row (member None: the target's own row)."""

        def __init__(self, member: Member | None) -> None:
            super().__init__()
            self.member = member

    class PathRequested(Message):
        """Enter on a dotted filter (`Normal.sample`): open that path below the target."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

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
    def filter_parts(self) -> tuple[str, str]:
        """The filter's text as (member name, rest of a dotted path): see filter_words."""
        target = self.listing.target if self.listing else ""
        return filter_words(self.filter_input.value, target)

    @property
    def query_text(self) -> str:
        """The member name the filter asks for (a target prefix and `.rest` left out)."""
        return self.filter_parts[0]

    @property
    def typed(self) -> str:
        return self.filter_input.value.strip()

    @property
    def selected(self) -> Member | None:
        option = self.options.highlighted_option
        return self._by_name.get(option.id) if option and option.id else None

    @property
    def on_itself(self) -> bool:
        option = self.options.highlighted_option
        return option is not None and option.id == ITSELF

    def show(
        self, listing: Listing, select: str | None = None, *, keep_filter: bool = True
    ) -> None:
        """Fill the list; highlight `select`, or the target itself when `select` is None.

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
        return self._highlight(name)

    def select_itself(self) -> None:
        """Highlight the target's own row (clearing a filter, which hides it)."""
        if self.typed:
            self.clear_filter()
        self._highlight(ITSELF)

    def clear_filter(self) -> None:
        with self.filter_input.prevent(Input.Changed):
            self.filter_input.value = ""
        self._render_options(None)

    def _highlight(self, option_id: str) -> bool:
        try:
            self.options.highlighted = self.options.get_option_index(option_id)
        except OptionDoesNotExist:  # filtered out, or not listed
            return False
        self.options.scroll_to_highlight()
        return True

    def _render_options(self, select: str | None, *, fallback: bool = True) -> None:
        listing = self.listing
        if listing is None:
            return
        query = self.query_text
        filtering = bool(self.typed)
        options = self._ranked(listing, query) if filtering else self._grouped(listing)
        self.options.set_options(options)
        shown = sum(1 for option in options if option.id not in (None, ITSELF))
        total = len(listing.members)
        self.border_subtitle = f"{shown}/{total}" if filtering else f"{total}"
        if self._highlight(select or ITSELF):
            return
        if fallback or (select is None and filtering):
            self._highlight_first()
        else:
            self.options.highlighted = None

    def _grouped(self, listing: Listing) -> list[Option]:
        name = listing.target.rsplit(".", 1)[-1]
        options = [
            Option(
                Content.assemble((name, "bold"), (f"  this {listing.kind}", "$text-muted")),
                id=ITSELF,
            )
        ]
        for kind, members in group_members(listing.members):
            title = f"{kind.heading} ({len(members)})"
            options.append(Option(Content.styled(title, "bold $text-secondary"), disabled=True))
            options += [Option(self._prompt(m), id=m.name) for m in members]
        return options

    def _ranked(self, listing: Listing, query: str) -> list[Option]:
        matcher = Matcher(query)
        options: list[Option] = []
        previous = None
        for tier, member in rank_members(listing.members, query) if query else []:
            if tier == FUZZY_TIER != previous:  # one heading over the fuzzy matches
                options.append(Option(Content.styled("letters in order", "$text-muted"),
                                      disabled=True))  # fmt: skip
            previous = tier
            options.append(Option(self._prompt(member, matcher, with_kind=True), id=member.name))
        if not any(option.id for option in options):
            hint = f"no member matches {self.typed!r}: Esc clears, g goes to any name"
            options = [Option(Content.styled(hint, "$text-muted"), disabled=True)]
        return options

    def _prompt(
        self, member: Member, matcher: Matcher | None = None, *, with_kind: bool = False
    ) -> Content:
        name = matcher.highlight(member.name) if matcher else Content(member.name)
        parts: list[Content | tuple[str, str]] = [name]
        if member.error:
            parts.append((" !", "$text-error"))
        elif member.kind.opens:
            parts.append((" ›", "$text-muted"))
        if with_kind:
            parts.append((f"  {member.kind}", "$text-muted"))
        return Content.assemble(*parts)

    def _highlight_first(self) -> None:
        for index, option in enumerate(self.options.options):
            if not option.disabled:
                self.options.highlighted = index
                return

    @on(Input.Changed, "#member-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        """While typing, the top match is highlighted; a cleared filter keeps the member."""
        event.stop()
        current = self.selected
        self._render_options(None if self.query_text or current is None else current.name)

    @on(Input.Submitted, "#member-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        """Enter opens the top match (a class or module opens; anything else is shown);
        a dotted filter (`Normal.sample`) opens that path. With no match, focus stays."""
        event.stop()
        head, rest = self.filter_parts
        top = self.selected
        if top is None:
            return
        self.options.focus()
        if rest and top.name == head:
            self.post_message(self.PathRequested(f"{top.qualname}.{rest}"))
        elif self.typed:
            self.post_message(self.Activated(top))

    @on(OptionList.OptionHighlighted, "#member-options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id == ITSELF:
            self.post_message(self.Highlighted(None))
        elif option_id in self._by_name:
            self.post_message(self.Highlighted(self._by_name[option_id]))

    @on(OptionList.OptionSelected, "#member-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id == ITSELF or option_id in self._by_name:
            self.post_message(self.Activated(self._by_name.get(option_id)))
