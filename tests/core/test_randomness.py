"""Telling code that draws random numbers without a seed from code whose output is fixed."""

from __future__ import annotations

import pytest

from explorer.core.randomness import random_call


@pytest.mark.parametrize(
    ("code", "call"),
    [
        ("x = torch.randn(3, 4)", "randn()"),
        ("m.sample()", "sample()"),
        ("dist.rsample((2,))", "rsample()"),
        ("torch.multinomial(w, 2)", "multinomial()"),
        ("torch.bernoulli(p)", "bernoulli()"),
        ("F.dropout(x, 0.5)", "dropout()"),
        ("m = nn.Dropout(p=0.2)", "Dropout()"),
        ("nn.init.kaiming_uniform_(w)", "kaiming_uniform_()"),
        ("np.random.rand(3)", "rand()"),
        ("random.choice(seq)", "choice()"),
        ("torch.empty(2, 3)", "empty()"),
    ],
)
def test_random_draws_are_named(code: str, call: str) -> None:
    assert random_call([code]) == call


def test_fixed_output_has_no_random_call() -> None:
    assert random_call(["x = torch.tensor([1.0, 2.0])", "x.sum()", "Normal(0, 1).mean"]) is None


def test_comments_and_strings_never_count() -> None:
    assert random_call(["x = 1  # torch.randn(2) would be random", "print('sample()')"]) is None


def test_a_seed_first_makes_what_follows_reproducible() -> None:
    assert random_call(["torch.manual_seed(0)", "torch.randn(2)"]) is None
    assert random_call(["random.seed(1); random.random()"]) is None
    # ... but not a seed after the draw.
    assert random_call(["torch.randn(2)", "torch.manual_seed(0)"]) == "randn()"


def test_unfinished_code_is_read_as_far_as_it_goes() -> None:
    assert random_call(["x = torch.rand(2, (", "y = 1"]) == "rand()"
