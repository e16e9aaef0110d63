"""Long signatures in a narrow view: one parameter per line, nothing cut off."""

from __future__ import annotations

import pytest

from explorer.core.render.signature import format_signature

TRANSFORMER = (
    "(d_model: int = 512, activation: str | collections.abc.Callable[[torch.Tensor], "
    "torch.Tensor] = <function relu at 0x7f1ccd640e00>, batch_first: bool = False)"
)


@pytest.mark.parametrize("width", [30, 45, 60, 200])
def test_every_line_fits_and_nothing_is_lost(width: int) -> None:
    lines = format_signature("class Transformer", TRANSFORMER, width)
    assert all(len(line) <= width for line in lines)
    shown = "".join("".join(lines).split()).replace(",)", ")")  # the trailing comma
    assert shown == "".join(f"class Transformer{TRANSFORMER}".split())


def test_parameters_go_one_per_line_when_the_signature_does_not_fit() -> None:
    lines = format_signature("f", "(a: int = 1, b: str = 'x, y', c=(1, 2))", 20)
    assert lines == ["f(", "    a: int = 1,", "    b: str = 'x, y',", "    c=(1, 2),", ")"]
