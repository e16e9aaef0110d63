"""The Doc tab at 80 columns: signatures wrap one parameter per line, parameters and tables
read whole (issue 8, point 5), and the view re-renders for a new width."""

from __future__ import annotations

import pytest
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownFence
from tui_helpers import doc_markdown, explorer, is_loaded, wait_for

from explorer.core.model import Doc, Kind, Param
from explorer.tui.widgets.doc_view import DocView
from explorer.tui.widgets.member_list import MemberList

NARROW = (80, 24)

LONG = Doc(
    name="Multinomial", qualname="pkg.Multinomial", kind=Kind.CLASS,
    signature="(total_count: int = 1, probs: torch.Tensor | None = None, "
              "logits: torch.Tensor | None = None, validate_args: bool | None = None)",
    description="A table:\n\n=====  ==============================\nname   meaning\n"
                "=====  ==============================\nprobs  event probabilities, "
                "normalized along the last dimension\n=====  ==============================",
    params=tuple(Param(name, "POSITIONAL_OR_KEYWORD", "torch.Tensor | None", "None", None,
                       "event log probabilities (unnormalized), one per category")
                 for name in ("total_count", "probs", "logits", "validate_args")),
)  # fmt: skip


def fences_fit(app) -> bool:
    """Every line of every code block fits the block's width (nothing cut at the edge)."""
    fences = list(explorer(app).query(MarkdownFence))
    return bool(fences) and all(
        max(len(line) for line in fence.code.split("\n")) <= fence.size.width - 4
        for fence in fences
    )


async def test_a_long_signature_wraps_and_parameters_read_whole_at_80_columns(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=NARROW) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        view = explorer(app).query_one(DocView)
        await view.show(LONG)
        await pilot.pause()
        source = doc_markdown(app)
        assert "class Multinomial(\n    total_count: int = 1,\n" in source
        assert "    validate_args: bool | None = None,\n)" in source
        assert fences_fit(app)
        assert "| Parameter | Type |" not in source, "a cramped table becomes a list"
        assert "- **validate\\_args** (torch.Tensor \\| None, default `None`) — event" in source
        assert "| name | meaning |" in source  # the docstring's own table stays a table


async def test_a_wider_view_renders_again_with_one_line(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=NARROW) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await explorer(app).query_one(DocView).show(LONG)
        await pilot.pause()
        assert "class Multinomial(\n" in doc_markdown(app)
        await pilot.resize_terminal(240, 40)
        await wait_for(pilot, lambda: "class Multinomial(total_count" in doc_markdown(app))
        assert fences_fit(app)


async def test_a_web_link_opens_in_the_browser_not_as_a_target(make_app, monkeypatch) -> None:
    app = make_app("tui_sample")
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    messages: list[object] = []
    async with app.run_test(size=NARROW, message_hook=messages.append) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        markdown = explorer(app).query_one("#doc-markdown", Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "https://json.org"))
        await wait_for(pilot, lambda: opened == ["https://json.org"])
        markdown.post_message(Markdown.LinkClicked(markdown, "tui_sample.Shape"))
        await wait_for(pilot, lambda: any(isinstance(m, DocView.LinkFollowed) for m in messages))
        followed = [m.target for m in messages if isinstance(m, DocView.LinkFollowed)]
        assert followed[0] == "tui_sample.Shape" and opened == ["https://json.org"]


@pytest.mark.slow
async def test_multinomial_signature_shows_validate_args_at_80_columns(make_app) -> None:
    app = make_app("torch.distributions", timeout=120)
    async with app.run_test(size=NARROW) as pilot:
        await wait_for(pilot, is_loaded(app, "torch.distributions"), timeout=120)
        explorer(app).query_one(MemberList).select("Multinomial")
        view = explorer(app).query_one(DocView)
        await wait_for(pilot, lambda: view.doc is not None and view.doc.name == "Multinomial")
        await pilot.pause()
        assert "    validate_args: bool | None = None,\n" in doc_markdown(app)
        assert fences_fit(app)
