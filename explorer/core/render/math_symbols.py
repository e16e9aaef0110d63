"""Tables for `math.to_unicode`: LaTeX commands and the Unicode characters they stand for."""

from __future__ import annotations

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip

_OPERATORS = {
    "sum": "∑", "prod": "∏", "coprod": "∐", "int": "∫", "iint": "∬", "iiint": "∭",
    "oint": "∮", "partial": "∂", "nabla": "∇", "infty": "∞", "pm": "±", "mp": "∓",
    "times": "×", "div": "÷", "cdot": "·", "cdots": "⋯", "ldots": "…", "dots": "…",
    "vdots": "⋮", "ddots": "⋱", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠",
    "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃", "cong": "≅", "equiv": "≡",
    "propto": "∝", "in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆",
    "supset": "⊃", "supseteq": "⊇", "cup": "∪", "cap": "∩", "bigcup": "⋃", "bigcap": "⋂",
    "setminus": "∖", "forall": "∀", "exists": "∃", "nexists": "∄", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "gets": "←", "leftrightarrow": "↔",
    "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔", "implies": "⇒", "iff": "⇔",
    "mapsto": "↦", "longrightarrow": "⟶", "longmapsto": "⟼", "uparrow": "↑",
    "downarrow": "↓", "ll": "≪", "gg": "≫", "|": "‖", "Vert": "‖", "lVert": "‖",
    "rVert": "‖", "vert": "|", "lvert": "|", "rvert": "|", "mid": "|", "langle": "⟨",
    "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "{": "{",
    "}": "}", "lbrace": "{", "rbrace": "}", "circ": "∘", "odot": "⊙", "otimes": "⊗",
    "oplus": "⊕", "ominus": "⊖", "star": "⋆", "ast": "∗", "bullet": "•", "top": "⊤",
    "bot": "⊥", "perp": "⊥", "emptyset": "∅", "varnothing": "∅", "neg": "¬", "lnot": "¬",
    "land": "∧", "wedge": "∧", "lor": "∨", "vee": "∨", "prime": "′", "dagger": "†",
    "ell": "ℓ", "hbar": "ℏ", "Re": "ℜ", "Im": "ℑ", "aleph": "ℵ", "angle": "∠",
    "triangleq": "≜", "coloneqq": "≔", "preceq": "⪯", "succeq": "⪰", "prec": "≺",
    "succ": "≻", "square": "□", "checkmark": "✓", "colon": ":",
    "_": "_", "%": "%", "#": "#", "&": "&", "$": "$",
}  # fmt: skip

# Relations and binary operators: spaced on both sides, as TeX sets them.
PADDED = frozenset(
    f"\\{name}"
    for name in (
        "in", "notin", "ni", "subset", "subseteq", "supset", "supseteq", "cup", "cap", "setminus",
        "leq", "le", "geq", "ge", "neq", "ne", "approx", "sim", "simeq", "cong", "equiv", "propto",
        "to", "rightarrow", "leftarrow", "gets", "leftrightarrow", "Rightarrow", "Leftarrow",
        "Leftrightarrow", "implies", "iff", "mapsto", "longrightarrow", "ll", "gg", "times", "div",
        "cdot", "pm", "mp", "odot", "otimes", "oplus", "ominus", "land", "lor", "wedge", "vee",
        "mid", "triangleq", "coloneqq", "preceq", "succeq", "prec", "succ", "star", "ast",
    )
)  # fmt: skip

SYMBOLS = {f"\\{name}": char for name, char in {**_GREEK, **_OPERATORS}.items()}

FUNCTIONS = {
    f"\\{name}": name
    for name in (
        "log", "ln", "lg", "exp", "sin", "cos", "tan", "sec", "csc", "cot", "arcsin",
        "arccos", "arctan", "sinh", "cosh", "tanh", "coth", "max", "min", "arg", "argmax",
        "argmin", "det", "dim", "lim", "liminf", "limsup", "sup", "inf", "Pr", "gcd", "deg",
        "ker", "hom", "mod", "bmod", "tr", "diag", "sgn", "sign", "erf", "var", "cov",
    )
}  # fmt: skip
FUNCTIONS["\\bmod"] = "mod"

PLAIN_FONTS = (
    "\\mathrm", "\\mathbf", "\\mathit", "\\mathsf", "\\mathtt", "\\boldsymbol", "\\bm",
    "\\mathnormal",
)  # fmt: skip
TEXT_FONTS = (
    "\\text", "\\textrm", "\\textbf", "\\textit", "\\texttt", "\\mbox", "\\textsf",
    "\\textnormal", "\\emph",
)  # fmt: skip

ACCENTS = {
    "\\hat": "\u0302", "\\widehat": "\u0302", "\\bar": "\u0304", "\\overline": "\u0305",
    "\\tilde": "\u0303", "\\widetilde": "\u0303", "\\dot": "\u0307", "\\ddot": "\u0308",
    "\\vec": "\u20d7", "\\check": "\u030c", "\\breve": "\u0306", "\\acute": "\u0301",
    "\\grave": "\u0300",
}  # fmt: skip


def _letters(start: int, holes: dict[str, str]) -> dict[str, str]:
    """A-Z and a-z of a Unicode mathematical alphabet; `holes` are the letters that
    Unicode placed in the Letterlike Symbols block instead."""
    table = {chr(ord("A") + i): chr(start + i) for i in range(26)}
    table.update({chr(ord("a") + i): chr(start + 26 + i) for i in range(26)})
    table.update(holes)
    return table


DOUBLE_STRUCK = _letters(0x1D538, {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ",
                                   "R": "ℝ", "Z": "ℤ"})  # fmt: skip
DOUBLE_STRUCK.update({str(d): chr(0x1D7D8 + d) for d in range(10)})
SCRIPT = _letters(0x1D49C, {"B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ",
                            "M": "ℳ", "R": "ℛ", "e": "ℯ", "g": "ℊ", "o": "ℴ"})  # fmt: skip

SUPERSCRIPTS = dict(
    zip(
        "0123456789+-−=()niabcdefghjklmoprstuvwxyzABDEGHIJKLMNOPRTUVWαβγδθφϕχ⊤*′",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵅᵝᵞᵟᶿᵠᵠᵡᵀ*′",
        strict=True,
    )
)
SUBSCRIPTS = dict(
    zip(
        "0123456789+-−=()aehijklmnoprstuvxβγρφϕχ",
        "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵩᵪ",
        strict=True,
    )
)
