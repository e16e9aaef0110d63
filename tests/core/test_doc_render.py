"""Issue 9's defects, one test each: what `explore X --doc` and the Doc tab show.

`cli_text` is the `--doc` text (80 columns, no colour); `tab_markdown` the Doc
tab's Markdown. Both come from the one pipeline in explorer.core.render.
"""

from __future__ import annotations

import re

import pytest

from explorer.core.docs import doc_of, get_doc
from explorer.core.links import plain_text
from explorer.core.model import Doc
from explorer.core.objects import first_sentence
from explorer.core.render.markdown import doc_markdown
from explorer.core.render.text import render_doc
from explorer.core.resolve import resolve

DEBRIS = re.compile(r"^\s*\.\. [\w-]+::?|:[a-z]+:`|\+-{3,}\+|\\\(|\\[a-z]{2,}", re.MULTILINE)


def cli_text(target: str) -> str:
    return render_doc(get_doc(target), None, 80)


def tab_markdown(target: str) -> str:
    return doc_markdown(get_doc(target), width=100)


def doc_for(function: object, target: str = "json.documented") -> Doc:
    """The Doc of a function defined in a test, as if it lived at `target`."""
    resolved = resolve("json.dumps")
    resolved.obj, resolved.target = function, target
    return doc_of(resolved)


def test_a_role_at_the_start_of_a_line_is_text_not_a_section() -> None:
    text, markdown = cli_text("json"), tab_markdown("json")
    assert "json exposes an API familiar to users of the standard library" in " ".join(text.split())
    assert "\nMod\n" not in text and "### Mod" not in markdown
    assert "marshal and pickle modules" in " ".join(text.split())


def test_a_grid_table_is_a_table() -> None:
    markdown = tab_markdown("json.JSONDecoder")
    assert "| JSON | Python |\n|---|---|\n| object | dict |" in markdown
    assert "| number (real) | float |" in markdown
    text = cli_text("json.JSONDecoder")
    assert re.search(r"^JSON +Python$", text, re.MULTILINE)
    assert re.search(r"^number \(real\) +float$", text, re.MULTILINE)
    assert "+---" not in text and "+===" not in text


def test_a_text_signature_line_keeps_its_description() -> None:
    doc = get_doc("collections.OrderedDict.clear")
    assert doc.signature == "() -> None"
    assert doc.summary == "Remove all items from od."
    text = cli_text("collections.OrderedDict.clear")
    assert "clear() -> None\n\nRemove all items from od." in text
    assert "No documentation" not in tab_markdown("collections.OrderedDict.clear")


def test_overloaded_text_signatures_are_all_signatures() -> None:
    doc = get_doc("builtins.int")
    assert doc.signature == "([x]) -> integer\n(x, base=10) -> integer"
    assert cli_text("builtins.int").split("\n")[1:3] == [
        "class int([x]) -> integer",
        "class int(x, base=10) -> integer",
    ]
    assert doc.summary.startswith("Convert a number or string to an integer")


def test_a_plain_parameter_list_becomes_parameter_rows() -> None:
    doc = get_doc("builtins.print")
    described = {param.name: param.description for param in doc.params}
    assert described["sep"] == "string inserted between values, default a space."
    assert described["flush"] == "whether to forcibly flush the stream."
    assert "sep" not in doc.description and "flush" not in doc.description
    assert "| `sep` |  | ' ' | string inserted between values, default a space. |" in (
        tab_markdown("builtins.print")
    )


@pytest.mark.slow  # imports torch
def test_math_reads_as_unicode_without_directives_or_backslashes() -> None:
    text, markdown = (
        cli_text("torch.distributions.kl.kl_divergence"),
        tab_markdown("torch.distributions.kl.kl_divergence"),
    )
    assert "KL(p ‖ q) = ∫p(x) log p(x)/q(x) dx" in text
    assert "Compute Kullback-Leibler divergence KL(p ‖ q) between two" in text
    assert "```text\nKL(p ‖ q) = ∫p(x) log p(x)/q(x) dx\n```" in markdown
    for output in (text, markdown):
        assert ".. math" not in output and "\\|" not in output and "\\int" not in output


def test_math_without_a_clear_reading_stays_latex_in_code() -> None:
    def documented() -> None:
        r"""Pick :math:`\mathfrak{g}` or :math:`\alpha_i`.

        .. math::

            \begin{pmatrix} a & b \end{pmatrix}
        """

    doc = doc_for(documented)
    markdown = doc_markdown(doc)
    assert r"Pick `\mathfrak{g}` or αᵢ." in markdown
    assert "```latex\n\\begin{pmatrix} a & b \\end{pmatrix}\n```" in markdown
    assert doc.summary == r"Pick \mathfrak{g} or αᵢ."


@pytest.mark.slow  # imports torch
def test_examples_are_shown_once_with_a_marker_where_they_stood() -> None:
    doc = get_doc("torch.distributions.Multinomial")
    text = cli_text("torch.distributions.Multinomial")
    assert text.count("m = Multinomial(100, torch.tensor([ 1., 1., 1., 1.]))") == 1
    assert "Example::" not in text and ">>>" not in doc.description
    assert "Examples 1" not in doc.description, "the Examples heading follows: no marker needed"
    json_doc = cli_text("json")
    assert json_doc.count("json.dumps(['foo', {'bar': ('baz', None, 1.0, 2)}])") == 1
    assert "Encoding basic Python object hierarchies: (Examples 1–6 below)" in json_doc
    mean = get_doc("statistics.mean").description  # examples mid-prose keep their marker
    assert "mean of data.\n\n*(Examples 1–3 below)*\n\nIf ``data`` is empty" in mean


def test_a_text_signature_marker_is_not_text() -> None:
    text = cli_text("numpy.bool")
    assert not re.search(r"^--$", text, re.MULTILINE)
    assert "Boolean type (True or False), stored as a byte." in text
    assert "Character code\n  '?'" in text


@pytest.mark.slow  # imports torch
def test_a_non_string_docstring_is_unreadable_not_unparsable() -> None:
    doc = get_doc("torch.AggregationType")
    assert doc.parse_error is None
    assert doc.unreadable and "pybind11_static_property" in doc.unreadable
    markdown = tab_markdown("torch.AggregationType")
    assert "*No readable docstring* (its \\_\\_doc\\_\\_ is a pybind11" in markdown
    assert "could not be parsed" not in markdown + cli_text("torch.AggregationType")


@pytest.mark.slow  # imports torch
def test_summaries_are_plain_text() -> None:
    summary = plain_text(first_sentence(get_doc("torch.multinomial").raw))
    assert summary.startswith("Returns a tensor where each row contains num_samples indices")
    assert "`" not in summary and ":attr:" not in summary and ":class:" not in summary
    assert plain_text("Use it like this::") == "Use it like this:"
    assert plain_text(r"Uses ``x.y``, *stars*, :math:`\sigma^2` and \*args.") == (
        "Uses x.y, stars, σ² and *args."
    )
    assert get_doc("torch.distributions.kl.kl_divergence").summary == (
        "Compute Kullback-Leibler divergence KL(p ‖ q) between two distributions."
    )


@pytest.mark.parametrize(
    "target",
    ["json", "json.JSONDecoder", "builtins.print", "torch.distributions.Multinomial",
     "torch.distributions.kl.kl_divergence", "torch.nn.CrossEntropyLoss", "torch.linalg.norm",
     "numpy.memmap"],
)  # fmt: skip
def test_no_markup_debris(target: str) -> None:
    doc = get_doc(target)
    markdown = re.sub(r"```.*?```", "", tab_markdown(target), flags=re.DOTALL)
    prose = render_doc(doc).split("\nExamples (")[0]
    assert not DEBRIS.search(re.sub(r"`[^`]*`", "", markdown)), target
    assert not DEBRIS.search(prose), target
    assert "``" not in prose and not re.search(r"^\s*-{2,}\s*$", prose, re.MULTILINE)


def test_roles_written_in_odd_ways_still_read_as_names() -> None:
    def documented() -> None:
        """See :attr:\\`decimals\\`, :external+python:mod:`random` and :math:`x^2``.

        See Also
        --------
        json.dumps : Serialize.
        json.loads, json.load
        """

    doc = doc_for(documented)
    text = render_doc(doc)
    assert "See decimals, random and x²" in text
    assert "• json.dumps — Serialize.\n  • json.loads, json.load" in text
    assert {link.target for link in doc.links} >= {"json.dumps", "json.loads", "json.load"}
