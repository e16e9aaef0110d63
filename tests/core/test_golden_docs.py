"""Golden files: `--doc` text (80 columns) and Doc-tab Markdown for the objects of issue 9
and the `doc_samples` fixture docstrings.

A deliberate change of output: rerun with EXPLORER_UPDATE_GOLDEN=1 and read the diff.
The stdlib and torch files follow Python 3.11 and torch 2.13 docstrings.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explorer.core.docs import get_doc
from explorer.core.render.markdown import doc_markdown
from explorer.core.render.text import render_doc

GOLDEN = Path(__file__).parent / "golden"
TARGETS = [
    "json", "json.JSONDecoder", "collections.OrderedDict.clear", "builtins.print",
    "builtins.int", "torch.distributions.Multinomial", "torch.distributions.kl.kl_divergence",
    "torch.AggregationType",
    "doc_samples.tables", "doc_samples.directives", "doc_samples.math_samples",
    "doc_samples.numpy_style", "doc_samples.lists_and_literals", "doc_samples.broken_markup",
    "doc_samples.signature_only", "doc_samples.text_signature_with_description",
    "doc_samples.clinic_parameters", "doc_samples.google_with_lists", "doc_samples.rest_extras",
]  # fmt: skip


def check(path: Path, rendered: str) -> None:
    if os.environ.get("EXPLORER_UPDATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with EXPLORER_UPDATE_GOLDEN=1"
    assert rendered == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("target", TARGETS)
def test_cli_text_matches_golden(target: str) -> None:
    check(GOLDEN / f"{target}.txt", render_doc(get_doc(target), None, 80))


@pytest.mark.parametrize("target", TARGETS)
def test_doc_tab_markdown_matches_golden(target: str) -> None:
    check(GOLDEN / f"{target}.md", doc_markdown(get_doc(target), width=100))


@pytest.mark.slow  # imports torch
def test_narrow_doc_tab_wraps_the_signature_and_lists_parameters() -> None:
    check(GOLDEN / "narrow.torch.distributions.Multinomial.md",
          doc_markdown(get_doc("torch.distributions.Multinomial"), width=54))  # fmt: skip
