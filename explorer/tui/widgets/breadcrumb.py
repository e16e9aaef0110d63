"""The dotted path of the current target; each segment is clickable."""

from __future__ import annotations

from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static


def segments(target: str) -> list[tuple[str, str]]:
    """'a.b.c' -> [('a', 'a'), ('b', 'a.b'), ('c', 'a.b.c')]."""
    parts = target.split(".")
    return [(part, ".".join(parts[: index + 1])) for index, part in enumerate(parts)]


class Breadcrumb(Static):
    """Shows `torch › distributions › Normal`; clicking a segment posts SegmentClicked."""

    target: reactive[str] = reactive("", layout=True)

    class SegmentClicked(Message):
        def __init__(self, target: str) -> None:
            super().__init__()
            self.target = target

    def watch_target(self, target: str) -> None:
        pieces: list[Content | str] = []
        for index, (name, dotted) in enumerate(segments(target)):
            if index:
                pieces.append(Content.styled(" › ", "$text-muted"))
            pieces.append(Content.from_markup(f"[@click=open({dotted!r})]$name[/]", name=name))
        self.update(Content.assemble(*pieces) if pieces else "")

    def action_open(self, target: str) -> None:
        self.post_message(self.SegmentClicked(target))
