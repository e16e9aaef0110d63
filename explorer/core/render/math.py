"""LaTeX math as readable Unicode text: `\\frac{1}{\\sigma}` -> `1/σ`, `x_i^2` -> `xᵢ²`.

Only what has one obvious reading is converted: Greek letters, operators and
relations, `\\frac`, `\\sqrt`, `\\mathbb` and friends, accents on one letter,
sub/superscripts (Unicode forms where every character has one, else `x_(ij)`).
Anything else (environments such as `cases`, unknown commands) makes the
whole formula stay LaTeX: `to_unicode` then says it did not convert.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from explorer.core.render.math_symbols import (
    ACCENTS,
    DOUBLE_STRUCK,
    FUNCTIONS,
    PADDED,
    PLAIN_FONTS,
    SCRIPT,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    SYMBOLS,
    TEXT_FONTS,
)

_TOKEN = re.compile(r"\\operatorname\*|\\[A-Za-z]+|\\.|\\$|\s+|.", re.DOTALL)
_IGNORED = frozenset({"\\left", "\\right", "\\big", "\\Big", "\\bigg", "\\Bigg", "\\bigl",
                      "\\bigr", "\\Bigl", "\\Bigr", "\\biggl", "\\biggr", "\\displaystyle",
                      "\\textstyle", "\\limits", "\\nolimits", "\\middle"})  # fmt: skip
_SPACES = {"\\,": " ", "\\;": " ", "\\:": " ", "\\ ": " ", "\\!": "", "\\quad": "  ",
           "\\qquad": "    ", "~": " "}  # fmt: skip
_LINE_ENVIRONMENTS = frozenset({"aligned", "align", "align*", "split", "gathered", "gather",
                                "gather*", "equation", "equation*", "eqnarray", "eqnarray*",
                                "multline", "multline*"})  # fmt: skip
_ROW, _GAP = "\x01", "\x02"  # a case's indent and the gap before its condition
_TEXT_QUOTES = {"`": "'"}  # TeX's `quoted' as plain quotes
_NEGATED = {"=": "≠", "≡": "≢", "∈": "∉", "<": "≮", ">": "≯", "∼": "≁", "⊂": "⊄", "⊆": "⊈"}
_SOFT_SPACE = "\x00"  # after a function name: a space unless a bracket or space follows
_MAX_LENGTH = 4000  # longer formulas are kept as written (and cost nothing to keep)


@dataclass(frozen=True, slots=True)
class Converted:
    text: str
    complete: bool  # False: something had no unambiguous reading; show the LaTeX instead


class _Unconvertible(Exception):
    pass


_Handler = Callable[["_Reader"], str]


class _Reader:
    """Recursive descent over LaTeX tokens, producing text."""

    def __init__(self, tex: str) -> None:
        self.tokens = _TOKEN.findall(tex)
        self.index = 0
        self.cell_gap = ""  # what `&` becomes: nothing (an alignment point) or a gap (cases)

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise _Unconvertible("unexpected end")
        self.index += 1
        return token

    def _juxtaposed(self) -> bool:
        """Whether a letter, digit, group or command follows (after spaces)."""
        index = self.index
        while index < len(self.tokens) and self.tokens[index].isspace():
            index += 1
        following = self.tokens[index] if index < len(self.tokens) else ""
        return following[:1].isalnum() or following[:1] in ("\\", "{")

    def skip_spaces(self) -> None:
        while (token := self.peek()) is not None and token.isspace():
            self.index += 1

    def sequence(self, closer: str | None = None) -> str:
        """Atoms up to `closer` (consumed) or the end."""
        out: list[str] = []
        while (token := self.peek()) is not None:
            if token == closer:
                self.index += 1
                return "".join(out)
            if token == "}":
                raise _Unconvertible("unbalanced }")
            if token in ("^", "_"):
                self.index += 1
                out.append(_script(self.argument(), superscript=token == "^"))
            else:
                out.append(self.atom())
        if closer is not None:
            raise _Unconvertible(f"missing {closer}")
        return "".join(out)

    def argument(self) -> str:
        """One argument: a braced group, a command, or a single character."""
        self.skip_spaces()
        token = self.take()
        if token == "{":
            return self.sequence("}")
        return self.command(token) if token.startswith("\\") else token

    def atom(self) -> str:
        token = self.take()
        if token == "{":
            return self.sequence("}")
        if token.isspace():
            return " "
        if token.startswith("\\"):
            return self.command(token)
        if token == "&":
            return self.cell_gap
        if token == "'":
            return "′"
        return _SPACES.get(token, token)

    def command(self, name: str) -> str:
        if name[1:].isalpha() and self._juxtaposed():
            self.skip_spaces()  # `\\alpha x` reads αx; `\\alpha + x` keeps its spaces
        if name in PADDED:
            return f" {SYMBOLS[name]} "
        if name in SYMBOLS:
            return SYMBOLS[name]
        if name in _SPACES:
            return _SPACES[name]
        if name in FUNCTIONS:
            return FUNCTIONS[name] + _SOFT_SPACE
        if name in _IGNORED:
            self.skip_spaces()
            if self.peek() == ".":  # \left. is an invisible delimiter
                self.index += 1
            return ""
        if name == "\\\\":
            return "\n"
        if name == "\\not":
            negated = self.argument()
            symbol = negated.strip()
            return f" {_NEGATED.get(symbol, symbol + chr(0x338))} "
        handler = _HANDLERS.get(name)
        if handler is None:
            raise _Unconvertible(f"unknown command {name}")
        return handler(self)

    def text_group(self) -> str:
        """The argument of `\\text{...}`: words as written, not math."""
        self.skip_spaces()
        if self.peek() != "{":
            return self.argument()
        self.index += 1
        out: list[str] = []
        depth = 1
        while True:
            token = self.take()
            depth += {"{": 1, "}": -1}.get(token, 0)
            if depth == 0:
                return "".join(out)
            if token in "{}":
                continue
            if token.startswith("\\") and len(token) == 2 and not token[1].isalpha():
                out.append(_SPACES.get(token, token[1]))
            elif token.startswith("\\"):
                out.append(self.command(token))
            else:
                out.append(_TEXT_QUOTES.get(token, token))

    def optional(self) -> str | None:
        self.skip_spaces()
        if self.peek() != "[":
            return None
        self.index += 1
        return self.sequence("]")

    def environment(self) -> str:
        name = self.argument()
        if name not in _LINE_ENVIRONMENTS and name != "cases":
            raise _Unconvertible(f"environment {name}")
        outer, self.cell_gap = self.cell_gap, _GAP if name == "cases" else ""
        body = self.sequence_until_end()
        self.cell_gap = outer
        self.take()
        if self.argument() != name:
            raise _Unconvertible("mismatched \\end")
        if name == "cases":  # one case per line, indented under what precedes
            return "".join(f"\n{_ROW}{row.strip()}" for row in body.split("\n") if row.strip())
        return body

    def sequence_until_end(self) -> str:
        out: list[str] = []
        while (token := self.peek()) is not None and token != "\\end":
            if token in ("^", "_"):
                self.index += 1
                out.append(_script(self.argument(), superscript=token == "^"))
            else:
                out.append(self.atom())
        return "".join(out)


_MARKS = "\u0300-\u036f\u20d7′"
_SCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵅᵝᵞᵟᶿᵠᵡ"
_SCRIPTS += "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"
# One number, one symbol (with accents and scripts), a call such as p(x), or a group.
_SIMPLE = re.compile(
    rf"\d+(?:\.\d+)?[{_SCRIPTS}]*"  # 2, 0.5, 2²
    rf"|[∂∇]?[^\W\d_][{_MARKS}]*[{_SCRIPTS}]*(?:\([^()]*\)|\[[^\[\]]*\])?"  # x, ŷ, xᵢ, p(x)
    rf"|[^\W\d]\w+[{_SCRIPTS}]*(?:\([^()]*\)|\[[^\[\]]*\])?"  # in_channels, stride[0]
    rf"|\([^()]*\)[{_SCRIPTS}]*"  # (a + b), (a + b)²
)


def _grouped(text: str) -> str:
    """`a+b` -> `(a+b)`: what a fraction or root needs around a compound operand."""
    text = text.strip()
    return text if _SIMPLE.fullmatch(text) else f"({text})"


def _frac(reader: _Reader) -> str:
    numerator, denominator = reader.argument(), reader.argument()
    return f"{_grouped(numerator)}/{_grouped(denominator)}"


def _sqrt(reader: _Reader) -> str:
    degree = reader.optional()
    radicand = _grouped(reader.argument())
    roots = {None: "√", "2": "√", "3": "∛", "4": "∜"}
    if degree is not None and degree.strip() not in roots:
        raise _Unconvertible("root of unusual degree")
    return roots[degree.strip() if degree else None] + radicand


def _font(table: dict[str, str] | None) -> _Handler:
    def convert(reader: _Reader) -> str:
        body = reader.argument()
        return "".join(table.get(char, char) for char in body) if table else body

    return convert


def _text(reader: _Reader) -> str:
    return reader.text_group()


def _accent(mark: str) -> _Handler:
    def convert(reader: _Reader) -> str:
        body = reader.argument().strip()
        if len(body) != 1:
            raise _Unconvertible("accent over more than one letter")
        return body + mark

    return convert


def _begin(reader: _Reader) -> str:
    return reader.environment()


def _operatorname(reader: _Reader) -> str:
    return reader.argument() + _SOFT_SPACE


_HANDLERS: dict[str, _Handler] = {
    "\\frac": _frac, "\\dfrac": _frac, "\\tfrac": _frac, "\\sqrt": _sqrt,
    "\\mathbb": _font(DOUBLE_STRUCK), "\\mathcal": _font(SCRIPT), "\\mathscr": _font(SCRIPT),
    "\\operatorname": _operatorname, "\\operatorname*": _operatorname, "\\begin": _begin,
    **{name: _font(None) for name in PLAIN_FONTS},
    **{name: _text for name in TEXT_FONTS},
    **{name: _accent(mark) for name, mark in ACCENTS.items()},
}  # fmt: skip


def _script(body: str, *, superscript: bool) -> str:
    """Unicode super/subscript when every character has one, else `^(...)`/`_(...)`."""
    table = SUPERSCRIPTS if superscript else SUBSCRIPTS
    compact = body.replace(" ", "").replace(_SOFT_SPACE, "")
    if compact and all(char in table for char in compact):
        return "".join(table[char] for char in compact)
    mark = "^" if superscript else "_"
    return f"{mark}{compact}" if len(compact) == 1 else f"{mark}({compact.strip()})"


def _tidy(text: str) -> str:
    text = re.sub(_SOFT_SPACE + r"+(?=[(\[\s]|$)", "", text)
    text = re.sub(r"(?:^|(?<=[(\[\s]))" + _SOFT_SPACE + "+", "", text).replace(_SOFT_SPACE, " ")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" ([)\]}.,;:!?⌋⌉⟩])", r"\1", text)
    text = re.sub(r"([(\[{⌊⌈⟨]) ", r"\1", text)
    return "\n".join(line.strip() for line in text.strip().split("\n") if line.strip())


def to_unicode(tex: str) -> Converted:
    """The formula as Unicode text, or (complete=False) the LaTeX as written."""
    source = tex.strip()
    if not source or len(source) > _MAX_LENGTH:
        return Converted(source, not source)
    try:
        text = _tidy(_Reader(source).sequence())
    except (_Unconvertible, RecursionError):
        return Converted(source, False)
    if "\\" in text:
        return Converted(source, False)
    text = re.sub(f"[ ]*{_GAP}[ ]*", "  ", text.replace(_ROW, "    "))
    return Converted(unicodedata.normalize("NFC", text), True)
