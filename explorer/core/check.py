"""Judge what an example printed against what its docstring expected.

The comparison is xdoctest's (torch writes its examples for xdoctest), not a
home-made one: `xdoctest.checker` with a `RuntimeState` built from the
directives in force for each part. That brings xdoctest's leniency along:
ELLIPSIS and NORMALIZE_WHITESPACE are on by default, trailing whitespace is
ignored, output of parts without an expected output may be matched by the
next part's want, and an expected traceback is matched against the exception
actually raised.

Verdicts: passed, differs (output mismatch, not an error), error, skipped,
timeout, crashed. A difference from an example that draws random numbers
without a seed is marked `random` ("differs (random output)"), so a reader sees
at once which differences matter. A part with nothing but comments is skipped:
running it proves nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from explorer import settings
from explorer.core.examples import is_comment_only
from explorer.core.model import Example, Record, RunResult, RunStatus
from explorer.core.randomness import random_call

if TYPE_CHECKING:  # xdoctest is imported where a verdict is judged, not at start-up
    from xdoctest.directive import RuntimeState

PASSED, DIFFERS, ERROR, SKIPPED, TIMEOUT, CRASHED = (
    "passed",
    "differs",
    "error",
    "skipped",
    "timeout",
    "crashed",
)
VERDICTS = (PASSED, DIFFERS, ERROR, SKIPPED, TIMEOUT, CRASHED)
# A part that ends like this leaves the namespace unusable for the parts after it.
FATAL = (ERROR, TIMEOUT, CRASHED)
RANDOM_LABEL = "differs (random output)"  # how a random difference is named to people
COMMENTS_ONLY = "only comments"  # the skip reason of a part with no code
# Worst first: an example gets the worst verdict of its parts.
_SEVERITY = {CRASHED: 5, TIMEOUT: 4, ERROR: 3, DIFFERS: 2, PASSED: 1, SKIPPED: 0}


@dataclass(frozen=True, slots=True)
class PartVerdict(Record):
    """The verdict on one part of an example, with what to show side by side."""

    verdict: str
    expected: str = ""
    got: str = ""
    message: str = ""  # one line: why it failed, or why it was skipped
    random: bool = False  # differs, and the code drew random numbers without a seed

    def diff_rows(self) -> list[DiffRow]:
        return side_by_side(self.expected, self.got)

    @property
    def label(self) -> str:
        """The verdict as people read it: "differs (random output)" for a random one."""
        return RANDOM_LABEL if self.random else self.verdict


@dataclass(frozen=True, slots=True)
class DiffRow(Record):
    """One row of a side-by-side diff; `None` where a side has no line."""

    tag: str  # equal | replace | delete | insert
    expected: str | None
    got: str | None


@dataclass(frozen=True, slots=True)
class ExampleVerdict(Record):
    """All parts of one docstring's example block, judged together."""

    verdict: str
    parts: list[PartVerdict] = field(default_factory=list)
    failed_part: int | None = None  # index of the part that decided the verdict

    @property
    def first_failure(self) -> PartVerdict | None:
        return None if self.failed_part is None else self.parts[self.failed_part]

    @property
    def random(self) -> bool:
        """Differs only where the example drew random numbers (see `combine`)."""
        failure = self.first_failure
        return self.verdict == DIFFERS and failure is not None and failure.random

    @property
    def label(self) -> str:
        return RANDOM_LABEL if self.random else self.verdict


def runtime_state(directives: Iterable[str]) -> RuntimeState:
    """xdoctest's option state for directive strings such as "+SKIP" or "-ELLIPSIS"."""
    from xdoctest import directive as xdirective

    state = xdirective.RuntimeState()
    parsed: list[xdirective.Directive] = []
    for text in directives:
        parsed.extend(xdirective.Directive.extract(f"# xdoctest: {text}"))
    state.update(parsed)
    return state


def package_options(module: str | None) -> tuple[str, ...]:
    """The checking options the package of `module` applies to every example
    (settings.EXAMPLE_OPTIONS: torch's doctest CI ignores whitespace)."""
    return settings.EXAMPLE_OPTIONS.get(module.split(".")[0], ()) if module else ()


def skip_reason(example: Example) -> str | None:
    """Why this part will not run (+SKIP, an unmet +REQUIRES, nothing but comments),
    or None to run it."""
    state = runtime_state(example.directives)
    if state["SKIP"]:
        return "+SKIP"
    requires = state["REQUIRES"]
    if isinstance(requires, set) and requires:
        return "requires " + ", ".join(sorted(requires))
    if is_comment_only(example.source):
        return COMMENTS_ONLY
    return None


def exception_from_traceback(traceback_text: str) -> str:
    """The `Type: message` tail of a formatted traceback (what format_exception_only gives)."""
    lines = traceback_text.rstrip("\n").splitlines()
    if not lines:
        return ""
    start = 0
    for index, line in enumerate(lines):
        if line.startswith((" ", "\t", "Traceback (")) or not line:
            start = index + 1
    return "\n".join(lines[start:]) + "\n" if start < len(lines) else lines[-1] + "\n"


class PartChecker:
    """Checks the parts of one example in order.

    Keeps the output of parts that expect nothing, because xdoctest lets the
    next part's want match any trailing run of that output plus its own.
    """

    def __init__(self, options: Sequence[str] = (), setup: str = "") -> None:
        self._options = tuple(options)  # in force for every part, before its own directives
        self._unmatched: list[str] = []
        # The code run so far (setup code first), to tell a random difference.
        self._ran: list[str] = [setup] if setup else []

    def skipped(self, reason: str) -> PartVerdict:
        return PartVerdict(SKIPPED, message=reason)

    def check(self, example: Example, output: RunResult) -> PartVerdict:
        self._ran.append(example.source)
        state = runtime_state((*self._options, *example.directives))
        if output.status in (RunStatus.TIMEOUT, RunStatus.INTERRUPTED):
            return PartVerdict(TIMEOUT, example.want, output.stdout, output.message or "timed out")
        if output.status == RunStatus.CRASHED:
            return PartVerdict(
                CRASHED, example.want, output.stdout, output.message or "kernel died"
            )
        if output.status in (RunStatus.ERROR, RunStatus.MEMORY):
            return self._check_exception(example, output, state)
        if not example.want:
            self._unmatched.append(output.stdout)
            return PartVerdict(PASSED, got=output.stdout or (output.value_repr or ""))
        return self._check_output(example, output, state)

    def _check_output(
        self, example: Example, output: RunResult, state: RuntimeState
    ) -> PartVerdict:
        unmatched, self._unmatched = self._unmatched, []
        got = _shown(output)
        if state["IGNORE_WANT"]:
            return PartVerdict(PASSED, example.want, got, "+IGNORE_WANT")
        trailing = [*unmatched, output.stdout]
        for count in range(1, len(trailing) + 1):
            stdout = "".join(trailing[-count:])
            if _matches(example.want, stdout, output.value_repr, state):
                return PartVerdict(PASSED, example.want, got)
        call = random_call(self._ran)
        if call is not None:
            why = f"the example draws random numbers ({call}) without a seed"
            return PartVerdict(DIFFERS, example.want, got, why, random=True)
        return PartVerdict(DIFFERS, example.want, got, "output differs from the expected")

    def _check_exception(
        self, example: Example, output: RunResult, state: RuntimeState
    ) -> PartVerdict:
        from xdoctest import checker as xchecker

        self._unmatched = []
        got = output.stdout + (output.traceback or output.exception)
        message = _error_line(output)
        if example.want and xchecker.extract_exc_want(example.want) is not None:
            try:
                xchecker.check_exception(output.exception, example.want, state)
            except xchecker.GotWantException:
                return PartVerdict(DIFFERS, example.want, got, "raised a different exception")
            return PartVerdict(PASSED, example.want, got)
        return PartVerdict(ERROR, example.want, got, message)


def _shown(output: RunResult) -> str:
    """What the part "printed": its stdout, else the value a REPL would echo."""
    if output.stdout:
        return output.stdout
    return output.value_repr or ""


def _matches(want: str, stdout: str, value_repr: str | None, state: RuntimeState) -> bool:
    from xdoctest import checker as xchecker

    # Same precedence as xdoctest's check_got_vs_want: stdout first, the value as fallback.
    if stdout and xchecker.check_output(stdout, want, state):
        return True
    return value_repr is not None and xchecker.check_output(value_repr, want, state)


def _error_line(output: RunResult) -> str:
    if output.status == RunStatus.MEMORY:
        return output.message or "ran out of memory (memory cap)"
    first = output.exception.strip().splitlines()
    return first[0] if first else (output.message or "raised an exception")


def combine(parts: Sequence[PartVerdict]) -> ExampleVerdict:
    """One verdict for a block: the worst part wins; all skipped means skipped.

    Among differences a real one outranks a random one, so a block is "differs
    (random output)" only when every difference in it came from random numbers.
    """
    if not parts or all(part.verdict == SKIPPED for part in parts):
        return ExampleVerdict(SKIPPED, list(parts), None)
    worst_index = max(
        range(len(parts)),
        key=lambda i: (_SEVERITY[parts[i].verdict], not parts[i].random, -i),
    )
    worst = parts[worst_index].verdict
    if worst in (PASSED, SKIPPED):
        return ExampleVerdict(PASSED, list(parts), None)
    return ExampleVerdict(worst, list(parts), worst_index)


def skip_message(verdict: ExampleVerdict) -> str:
    """Why a skipped example was skipped: a directive's reason before "only comments"
    (a block that opens with a comment line is skipped for its +SKIP, not its comment)."""
    reasons = [part.message for part in verdict.parts if part.message]
    directives = [reason for reason in reasons if reason != COMMENTS_ONLY]
    return (directives or reasons or [""])[0]


def side_by_side(expected: str, got: str) -> list[DiffRow]:
    """Line-aligned rows for an expected | got view (difflib opcodes)."""
    left, right = expected.splitlines(), got.splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                DiffRow("equal", a, b) for a, b in zip(left[i1:i2], right[j1:j2], strict=True)
            )
            continue
        span = max(i2 - i1, j2 - j1)
        for offset in range(span):
            a = left[i1 + offset] if i1 + offset < i2 else None
            b = right[j1 + offset] if j1 + offset < j2 else None
            row_tag = (
                "replace"
                if a is not None and b is not None
                else ("delete" if b is None else "insert")
            )
            rows.append(DiffRow(row_tag, a, b))
    return rows


def unified_diff(expected: str, got: str) -> str:
    """A compact text diff for the CLI (expected as ---, got as +++)."""
    lines = difflib.unified_diff(
        expected.splitlines(), got.splitlines(), "expected", "got", lineterm="", n=2
    )
    return "\n".join(lines)
