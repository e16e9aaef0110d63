"""Does a piece of example code draw random numbers without fixing a seed first?

An example whose printed output comes from `torch.randn`, `m.sample()` or a
dropout layer shows different numbers on every run, so a mismatch with its
docstring says nothing about the code being wrong. The check reads call names
from the tokens (comments and strings never count), in the order the code runs:
a seed call (`torch.manual_seed(0)`, `random.seed(1)`) before the first random
call makes the run reproducible.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Iterator

# The last name of a call that draws random numbers (or reads uninitialised memory,
# which is just as arbitrary): torch, numpy and the random module.
_RANDOM_CALL = re.compile(
    r"""^(
        rand | randn | randint | randperm | rand_like | randn_like | randint_like
      | random | random_ | randrange | getrandbits | choice | choices | shuffle | permutation
      | normal | normal_ | log_normal_ | \w+_normal_ | uniform | uniform_ | \w+_uniform_
      | orthogonal_ | sparse_ | exponential_ | geometric_ | cauchy_
      | bernoulli | bernoulli_ | multinomial | poisson | binomial
      | gauss | \w+variate | triangular
      | sample | rsample | sample_n | samples
      | \w*dropout\w* | \w*Dropout\w* | rrelu | rrelu_ | RReLU | gumbel_softmax
      | random_split | \w*RandomSampler
      | empty | empty_like | empty_strided
    )$""",
    re.VERBOSE,
)
# Calls that make what follows reproducible.
_SEED_CALL = re.compile(r"^(manual_seed|seed|set_rng_state)$")


def random_call(sources: Iterable[str]) -> str | None:
    """The first random-drawing call in `sources` (run in that order) that no earlier
    seed call makes reproducible, as `name()`; None when there is none."""
    for source in sources:
        for name in _called_names(source):
            if _SEED_CALL.match(name):
                return None
            if _RANDOM_CALL.match(name):
                return f"{name}()"
    return None


def _called_names(source: str) -> Iterator[str]:
    """Each NAME token directly followed by `(`, in source order."""
    previous: str | None = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.OP and token.string == "(" and previous is not None:
                yield previous
            previous = token.string if token.type == tokenize.NAME else None
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return  # an unfinished statement: what was read so far is all there is
