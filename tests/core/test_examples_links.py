from __future__ import annotations

import textwrap

import pytest
import torch.distributions

from explorer.core.examples import extract_examples
from explorer.core.links import convert_roles, scopes_for

pytestmark = pytest.mark.slow  # imports torch


def test_google_numpy_rest_and_bare_examples() -> None:
    google = "Do it.\n\nExamples:\n    >>> 1 + 1\n    2\n"
    numpy = "Do it.\n\nExamples\n--------\n>>> print('a')\na\n"
    rest = "Do it.\n\nExample::\n\n    >>> x = 3\n    >>> x * 2\n    6\n"
    bare = ">>> [1,\n...  2]\n[1, 2]\n"
    for text, source, want in [
        (google, "1 + 1", "2"),
        (numpy, "print('a')", "a"),
        (rest, "x = 3\nx * 2", "6"),
        (bare, "[1,\n 2]", "[1, 2]"),
    ]:
        [example] = extract_examples(text)
        assert (example.source, example.want) == (source, want)


def test_directives_inline_and_block() -> None:
    text = textwrap.dedent(
        """
        >>> print(list(range(20)))  # doctest: +ELLIPSIS
        [0, 1, ...]
        >>> # xdoctest: +SKIP
        >>> slow()
        >>> also_slow()
        1
        """
    )
    first, second = extract_examples(text)
    assert first.directives == ("+ELLIPSIS",)
    assert second.directives == ("+SKIP",) and second.want == "1"


def test_no_examples() -> None:
    assert extract_examples("No examples here.") == []
    assert extract_examples(None) == []


def test_roles_become_text_and_resolved_links() -> None:
    assert torch.distributions.Multinomial
    scopes = scopes_for("torch.distributions.Multinomial", "torch.distributions.multinomial", True)
    text, links = convert_roles(
        "see :meth:`log_prob`, :class:`~torch.distributions.Normal` and "
        ":func:`sampler <torch.multinomial>`; :math:`x^2`",
        scopes,
    )
    assert text == "see `log_prob`, `Normal` and `sampler`; x²"
    assert [(link.text, link.target) for link in links] == [
        ("log_prob", "torch.distributions.Multinomial.log_prob"),
        ("Normal", "torch.distributions.Normal"),
        ("sampler", "torch.multinomial"),
    ]


def test_a_directive_line_never_covers_the_statements_before_it() -> None:
    text = ">>> m = 1\n>>> m + 1\n>>> # xdoctest: +SKIP\n3\n"
    first, second = extract_examples(text)
    assert first.source == "m = 1\nm + 1" and first.directives == ()
    assert second.directives == ("+SKIP",)
