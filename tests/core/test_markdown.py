"""Doc/Listing records -> Markdown for the Doc and Members tabs."""

from __future__ import annotations

from explorer.core.model import Doc, Link, Listing, Member, Param, Raises, Returns, Section
from explorer.core.render.markdown import doc_markdown, members_markdown


def sample_doc() -> Doc:
    return Doc(
        name="log_prob",
        qualname="pkg.Dist.log_prob",
        kind="method",
        signature="(value: Tensor) -> Tensor",
        description="Log density of `value`; see `sample`.\n\n*(Example 1 below)*\n\nMore text.",
        params=[Param("value", "POSITIONAL_OR_KEYWORD", "Tensor", None, None, "a | b sample")],
        returns=Returns("Tensor", "the log density"),
        raises=[Raises("ValueError", "when `value` is out of support")],
        notes=[Section("Note", "Uses `sample` internally.")],
        links=[Link("sample", "pkg.Dist.sample", "meth")],
    )


def test_doc_has_signature_params_returns_raises_and_notes() -> None:
    text = doc_markdown(sample_doc())
    assert "```python\nlog_prob(value: Tensor) -> Tensor\n```" in text
    assert "| `value` | Tensor |  | a \\| b sample |" in text
    assert "### Returns\n\n`Tensor` the log density" in text
    assert "- `ValueError` when `value` is out of support" in text
    assert "### Note\n\nUses [sample](pkg.Dist.sample) internally." in text
    assert "see [sample](pkg.Dist.sample)" in text
    assert "*(Example 1 below)*\n\nMore text." in text


def test_class_signature_reads_like_a_definition() -> None:
    doc = Doc(name="Normal", qualname="pkg.Normal", kind="class", signature="(loc, scale)")
    assert "class Normal(loc, scale)" in doc_markdown(doc)


def test_undocumented_object_says_so() -> None:
    assert "*No documentation.*" in doc_markdown(Doc(name="x", qualname="m.x", kind="data"))


def test_names_link_in_prose_but_not_in_code_blocks() -> None:
    doc = Doc(
        name="f", qualname="m.f", kind="function",
        description="`a` and `b`::\n\n    `a` in code",
        links=[Link("a", "m.a", "func")],
    )  # fmt: skip
    assert "[a](m.a) and `b`:\n\n```text\n`a` in code\n```" in doc_markdown(doc)


def test_rst_literal_blocks_become_fenced_code() -> None:
    doc = Doc(name="f", qualname="m.f", kind="function",
              description="Use it like this::\n\n    x = 1\n    y = 2\n\nDone.")  # fmt: skip
    text = doc_markdown(doc)
    assert "Use it like this:\n\n```python\nx = 1\ny = 2\n```\n\nDone." in text


def test_a_narrow_view_gets_a_wrapped_signature_and_a_parameter_list() -> None:
    doc = sample_doc()
    wide, narrow = doc_markdown(doc, width=120), doc_markdown(doc, width=30)
    assert "| `value` |" in wide and "log_prob(value: Tensor) -> Tensor" in wide
    assert "log_prob(\n    value: Tensor,\n) -> Tensor" in narrow
    assert "- **value** (Tensor) — a \\| b sample" in narrow


def test_members_tab_groups_inherited_members_in_mro_order() -> None:
    listing = Listing(
        "pkg.C",
        "class",
        (
            Member("own", "pkg.C.own", "method"),
            Member("from_a", "pkg.C.from_a", "method", inherited_from="pkg.A"),
            Member("from_b", "pkg.C.from_b", "method", inherited_from="pkg.B"),
        ),
        mro=("pkg.C", "pkg.B", "pkg.A", "builtins.object"),
    )
    text = members_markdown(listing)
    assert text.index("Own members (1)") < text.index("`pkg.B`") < text.index("`pkg.A`")
    assert "- [own](pkg.C.own) *method*" in text


def test_data_member_shows_its_value() -> None:
    text = doc_markdown(Doc(name="RATIO", qualname="m.RATIO", kind="data"), value="2")
    assert "```python\nRATIO = 2\n```" in text and "No documentation" not in text
