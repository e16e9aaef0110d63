"""Pilot tests against the real worker subprocess, on the tui_sample fixture package."""

from __future__ import annotations

import sys

from textual.widgets import Markdown
from tui_helpers import (
    breadcrumb,
    doc_markdown,
    doc_qualname,
    example_blocks,
    explorer,
    headings,
    is_loaded,
    listed,
    selected,
    wait_for,
)

from explorer.tui.widgets.doc_view import DocView
from explorer.tui.widgets.member_list import MemberList
from explorer.tui.widgets.text_views import HelpView, SourceView

SIZE = (100, 30)


async def select_member(pilot, name: str) -> None:
    explorer(pilot.app).query_one(MemberList).select(name)
    await wait_for(pilot, lambda: doc_qualname(pilot.app) == f"{breadcrumb(pilot.app)}.{name}")


async def test_module_lists_members_grouped_by_kind_with_counts(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        assert breadcrumb(app) == "tui_sample"
        assert headings(app)[:2] == ["Classes (2)", "Functions (2)"]
        assert listed(app)[:4] == ["Circle", "Shape", "area_of", "unit_circle"]
        assert "shapes" in listed(app) and "_helper" not in listed(app)
        assert selected(app) is None  # the first row is the module itself, and its doc shows
        assert doc_qualname(app) == "tui_sample"
    assert "tui_sample" not in sys.modules, "the UI process must never import the target"


async def test_class_doc_tab_shows_parameters_and_examples(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await select_member(pilot, "Circle")
        text = doc_markdown(app)
        assert "class Circle(radius: float, label: str = 'circle')" in text
        assert "| `radius` | float |  | distance from the centre to the edge. |" in text
        assert "| `label` | str | 'circle' | a name shown by [describe]" in text
        assert "### Note" in text
        blocks = example_blocks(app)
        assert len(blocks) == 1
        assert blocks[0].example.source == "Circle(2.0).area()"
        assert blocks[0].example.want == "12.566370614359172"
        assert ">>>" not in text, "examples are shown as their own widgets, not in the prose"


async def test_enter_opens_a_class_and_back_forward_restore_selection(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await select_member(pilot, "Shape")
        await pilot.press("enter")
        await wait_for(pilot, is_loaded(app, "tui_sample.Shape"))
        assert breadcrumb(app) == "tui_sample.Shape"
        assert listed(app) == ["area", "describe", "sides"]
        await select_member(pilot, "describe")

        await pilot.press("backspace")
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        assert selected(app) == "Shape"
        assert doc_qualname(app) == "tui_sample.Shape"

        await pilot.press("alt+right")
        await wait_for(pilot, is_loaded(app, "tui_sample.Shape"))
        assert selected(app) == "describe"
        assert doc_qualname(app) == "tui_sample.Shape.describe"

        await pilot.press("alt+left")
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        assert selected(app) == "Shape"


async def test_filter_is_fuzzy_and_escape_clears_it(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await pilot.press("slash", "u", "n", "c")
        await pilot.pause()
        assert listed(app) == ["unit_circle"]
        assert explorer(app).query_one(MemberList).border_subtitle.startswith("1/")
        await pilot.press("enter")  # back to the list, on the match
        await wait_for(pilot, lambda: doc_qualname(app) == "tui_sample.unit_circle")
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert "Circle" in listed(app)


async def test_private_and_dunder_toggles(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await pilot.press("p")
        await wait_for(pilot, lambda: "_helper" in listed(app))
        assert not any(name.startswith("__") for name in listed(app))
        await pilot.press("d")
        await wait_for(pilot, lambda: "__all__" in listed(app))
        assert "private" in str(explorer(app).query_one(MemberList).border_title)
        await pilot.press("p", "d")
        await wait_for(pilot, lambda: "_helper" not in listed(app) and "__all__" not in listed(app))


async def test_following_a_meth_link_with_the_link_picker_and_back(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await select_member(pilot, "Circle")
        assert [link.text for link in explorer(app).query_one(DocView).doc.links] == [
            "area",
            "describe",
        ]
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("down", "enter")  # "describe"
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))
        assert selected(app) == "describe"
        await wait_for(pilot, lambda: doc_qualname(app) == "tui_sample.Circle.describe")
        await pilot.press("backspace")
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        assert selected(app) == "Circle"


async def test_clicking_a_link_in_the_doc_navigates(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await select_member(pilot, "area_of")
        markdown = explorer(app).query_one("#doc-markdown", Markdown)
        assert "[Shape.area](tui_sample.Shape.area)" in markdown.source
        markdown.post_message(Markdown.LinkClicked(markdown, "tui_sample.Shape.area"))
        await wait_for(pilot, is_loaded(app, "tui_sample.Shape"))
        assert selected(app) == "area"
        assert "NotImplementedError" in doc_markdown(app)


async def test_palette_jumps_to_a_member(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await pilot.press("ctrl+p")
        await pilot.pause()
        for key in "unit_circ":
            await pilot.press(key)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: doc_qualname(app) == "tui_sample.unit_circle")
        assert selected(app) == "unit_circle"


async def test_help_and_source_tabs_are_one_key_each(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await select_member(pilot, "Circle")
        screen = explorer(app)
        await pilot.press("h")
        help_text = screen.query_one(HelpView)
        await wait_for(pilot, lambda: "Help on class Circle" in help_text.text)
        assert screen.tabs.active == "help"
        assert "Method resolution order:" in help_text.text

        await pilot.press("s")
        source = screen.query_one(SourceView)
        await wait_for(pilot, lambda: source.source is not None)
        assert source.location.endswith("tui_sample/shapes.py:27")
        assert "class Circle(Shape):" in str(screen.query_one("#source-code").render())

        await select_member(pilot, "unit_circle")  # the open tab follows the selection
        await wait_for(pilot, lambda: source.source.qualname == "tui_sample.unit_circle")
        await pilot.press("h")
        await wait_for(pilot, lambda: "unit_circle()" in help_text.text)


async def test_members_tab_groups_inherited_members_by_base(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await select_member(pilot, "Circle")
        await pilot.press("4")
        view = explorer(app).query_one("#class-members", Markdown)
        await wait_for(pilot, lambda: "Inherited" in view.source)
        own, inherited = view.source.split("### Inherited from `tui_sample.shapes.Shape`")
        assert "[area](tui_sample.Circle.area)" in own and "diameter" in own
        assert "[describe](tui_sample.Circle.describe)" in inherited
        await select_member(pilot, "area_of")  # not a class: the tab goes away
        assert explorer(app).tabs.active == "doc"


async def test_clicking_a_breadcrumb_segment_opens_that_parent(make_app) -> None:
    from explorer.tui.widgets.breadcrumb import Breadcrumb

    app = make_app("tui_sample.Circle")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))
        assert str(explorer(app).query_one(Breadcrumb).render()) == "tui_sample › Circle"
        await pilot.click(Breadcrumb, offset=(2, 0))  # on "tui_sample"
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await pilot.press("backspace")
        await wait_for(pilot, is_loaded(app, "tui_sample.Circle"))


async def test_back_restores_the_doc_scroll_position(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await select_member(pilot, "Circle")
        doc_view = explorer(app).query_one(DocView)
        await wait_for(pilot, lambda: doc_view.max_scroll_y > 5)
        doc_view.scroll_to(y=5, animate=False, immediate=True)
        await pilot.press("l", "enter")  # follow "area"
        await wait_for(pilot, lambda: doc_qualname(app) == "tui_sample.Circle.area")
        assert doc_view.scroll_y == 0
        await pilot.press("backspace")
        await wait_for(pilot, lambda: doc_qualname(app) == "tui_sample.Circle")
        await wait_for(pilot, lambda: doc_view.scroll_y == 5, timeout=3)


async def test_data_member_doc_shows_its_value(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await select_member(pilot, "RATIO")
        assert "RATIO = 2" in doc_markdown(app)


async def test_enter_on_a_function_moves_into_its_docs_and_escape_comes_back(make_app) -> None:
    app = make_app("tui_sample")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, is_loaded(app, "tui_sample"))
        await select_member(pilot, "area_of")
        await pilot.press("enter")
        assert app.focused is explorer(app).query_one(DocView)
        await pilot.press("escape")
        assert app.focused is explorer(app).query_one(MemberList).options
        assert selected(app) == "area_of"
