"""Example code wraps with continuations indented past the prompt (never like output)."""

from __future__ import annotations

from explorer.tui.widgets.example_code import wrap_code

CODE = (
    ">>> m = Categorical(torch.tensor([ 0.25, 0.25, 0.25, 0.25 ]))\n"
    ">>> m.sample()  # equal probability of 0, 1, 2, 3\n"
    "tensor(3)"
)


def test_continuations_are_indented_past_the_prompt() -> None:
    rows = wrap_code(CODE, 40).splitlines()
    assert all(len(row) <= 40 for row in rows)
    assert rows[0].startswith(">>> m = Categorical(")
    continuation = rows[1]
    assert continuation.startswith(" " * 8) and "0.25" in continuation
    assert rows[-1] == "tensor(3)"  # the expected output is left as it is


def test_code_that_fits_is_unchanged() -> None:
    assert wrap_code(CODE, 200) == CODE
