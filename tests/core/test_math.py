"""LaTeX -> Unicode: what has one reading converts, the rest stays LaTeX."""

from __future__ import annotations

import pytest

from explorer.core.render.math import to_unicode


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"KL(p \| q) = \int p(x) \log\frac {p(x)} {q(x)} \,dx",
         "KL(p ‖ q) = ∫p(x) log p(x)/q(x) dx"),
        (r"\mathcal{N}(\mu, \sigma^2)", "𝒩(μ, σ²)"),
        (r"\frac{1}{\sigma\sqrt{2\pi}}", "1/(σ√(2π))"),
        (r"\sum_{i=1}^{n} x_i", "∑ᵢ₌₁ⁿ xᵢ"),
        (r"x \in \mathbb{R}^{n \times m}", "x ∈ ℝ^(n×m)"),
        (r"\frac{\partial L}{\partial x}", "∂L/∂x"),
        (r"\text{out}_i = \max(\text{input}_i)", "outᵢ = max(inputᵢ)"),
        (r"\hat{y} \neq y", "ŷ ≠ y"),
        (r"W^\top x + b", "Wᵀx + b"),
        (r"\left\lfloor \frac{a + 1}{2} \right\rfloor", "⌊(a + 1)/2⌋"),
        (r"\lambda \in (0, 1]", "λ ∈ (0, 1]"),
        (r"y_{\text{max}}", "yₘₐₓ"),
        (r"\mathbb{E}_{x \sim p}[f(x)]", "𝔼_(x∼p)[f(x)]"),
        (r"a \not\in B", "a ∉ B"),
        (r"\sqrt[3]{x}", "∛x"),
        (r"\begin{aligned} a &= b \\ c &= d \end{aligned}", "a = b\nc = d"),
        (r"\alpha + \beta", "α + β"),
    ],
)  # fmt: skip
def test_common_latex_reads_as_unicode(latex: str, text: str) -> None:
    converted = to_unicode(latex)
    assert converted.complete
    assert converted.text == text


def test_cases_go_one_per_line() -> None:
    converted = to_unicode(r"f(x) = \begin{cases} 1, & x > 0 \\ 0, & \text{otherwise} \end{cases}")
    assert converted.text == "f(x) =\n    1,  x > 0\n    0,  otherwise"


@pytest.mark.parametrize(
    "latex",
    [r"\mathfrak{g}", r"\begin{pmatrix} a \\ b \end{pmatrix}", r"\frac{1}{2", r"\sqrt[5]{x}",
     r"\overset{a}{b}", r"\hat{xy}", "x}" + "{" * 3],
)  # fmt: skip
def test_latex_without_a_clear_reading_is_kept(latex: str) -> None:
    converted = to_unicode(latex)
    assert not converted.complete
    assert converted.text == latex.strip()


def test_huge_or_deep_formulas_never_raise() -> None:
    assert not to_unicode("{" * 5000 + "x" + "}" * 5000).complete
    assert to_unicode("x" * 100_000).text == "x" * 100_000


def test_fractions_of_names_need_no_parentheses() -> None:
    assert to_unicode(r"\frac{\text{out\_channels}}{\text{in\_channels}}").text == (
        "out_channels/in_channels"
    )
    assert to_unicode(r"\frac{a + 1}{\text{stride[0]}}").text == "(a + 1)/stride[0]"
    assert to_unicode(r"w \star x").text == "w ⋆ x"
