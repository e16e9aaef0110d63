"""Verdicts on example output: xdoctest's leniency, directives, tracebacks, diffs."""

from __future__ import annotations

import traceback

from explorer.core import check
from explorer.core.check import PartChecker, exception_from_traceback
from explorer.core.examples import xdoctest_parts
from explorer.core.model import Example, RunResult


def ok(stdout: str = "", value: str | None = None) -> RunResult:
    return RunResult("ok", stdout=stdout, value_repr=value)


def raised(exc: BaseException) -> RunResult:
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - building a real traceback
        text = "".join(traceback.format_exception(caught))
    return RunResult("error", traceback=text, exception=exception_from_traceback(text))


def verdict(example: Example, output: RunResult) -> str:
    return PartChecker().check(example, output).verdict


def test_value_repr_matching_want_passes() -> None:
    assert verdict(Example("1 + 1", want="2"), ok(value="2")) == "passed"


def test_stdout_matching_want_passes_and_trailing_whitespace_is_ignored() -> None:
    assert verdict(Example("print('hi  ')", want="hi"), ok(stdout="hi  \n")) == "passed"


def test_mismatch_is_differs_not_error() -> None:
    part = PartChecker().check(
        Example("m.sample()", want="tensor([0.1046])"), ok(value="tensor([0.7311])")
    )
    assert part.verdict == "differs"
    assert part.expected == "tensor([0.1046])"
    assert part.got == "tensor([0.7311])"


def test_ellipsis_and_whitespace_are_lenient_by_default_like_xdoctest() -> None:
    assert (
        verdict(Example("x", want="tensor([1., ...])"), ok(value="tensor([1., 2., 3.])"))
        == "passed"
    )
    assert verdict(Example("x", want="a   b\nc"), ok(stdout="a b c\n")) == "passed"


def test_minus_ellipsis_turns_ellipsis_off() -> None:
    example = Example("x", want="tensor([1., ...])", directives=["-ELLIPSIS"])
    assert verdict(example, ok(value="tensor([1., 2., 3.])")) == "differs"


def test_ignore_want_passes_whatever_was_printed() -> None:
    example = Example("m.sample()", want="tensor([2.])", directives=["+IGNORE_WANT"])
    assert verdict(example, ok(value="tensor([0.])")) == "passed"


def test_skip_and_unmet_requires_give_a_reason() -> None:
    assert check.skip_reason(Example("x", directives=["+SKIP"])) == "+SKIP"
    reason = check.skip_reason(Example("x", directives=["+REQUIRES(module:no_such_mod_xyz)"]))
    assert reason is not None and "no_such_mod_xyz" in reason
    assert check.skip_reason(Example("x", directives=["+REQUIRES(LINUX)"])) is None
    assert check.skip_reason(Example("x", directives=["+SKIP", "-SKIP"])) is None


def test_output_without_want_is_fine_and_may_be_matched_by_the_next_want() -> None:
    checker = PartChecker()
    assert checker.check(Example("print('x')"), ok("x\n")).verdict == "passed"
    assert checker.check(Example("print('y')"), ok("y\n")).verdict == "passed"
    assert checker.check(Example("print('z')", want="y\nz"), ok("z\n")).verdict == "passed"
    # The output consumed by a want is not offered to the next one.
    assert checker.check(Example("print('w')", want="z\nw"), ok("w\n")).verdict == "differs"


def test_unexpected_exception_is_error_with_its_line() -> None:
    part = PartChecker().check(Example("1/0"), raised(ZeroDivisionError("division by zero")))
    assert part.verdict == "error"
    assert part.message == "ZeroDivisionError: division by zero"


def test_expected_traceback_is_checked_like_doctest() -> None:
    want = "Traceback (most recent call last):\n    ...\nZeroDivisionError: division by zero"
    assert (
        verdict(Example("1/0", want=want), raised(ZeroDivisionError("division by zero")))
        == "passed"
    )
    assert verdict(Example("1/0", want=want), raised(ValueError("nope"))) == "differs"


def test_ignore_exception_detail() -> None:
    want = "Traceback (most recent call last):\nValueError: something else"
    example = Example("f()", want=want, directives=["+IGNORE_EXCEPTION_DETAIL"])
    assert verdict(example, raised(ValueError("bad value"))) == "passed"


def test_timeout_crash_and_memory_are_their_own_verdicts() -> None:
    example = Example("while True: pass")
    assert verdict(example, RunResult("timeout", message="timed out after 1 s")) == "timeout"
    assert verdict(example, RunResult("crashed", message="kernel died (signal 11)")) == "crashed"
    memory = PartChecker().check(example, RunResult("memory", message="memory cap hit"))
    assert (memory.verdict, memory.message) == ("error", "memory cap hit")


def test_combine_takes_the_worst_part_and_all_skipped_is_skipped() -> None:
    passed, differs = check.PartVerdict("passed"), check.PartVerdict("differs")
    skipped, error = check.PartVerdict("skipped"), check.PartVerdict("error")
    assert check.combine([passed, skipped]).verdict == "passed"
    assert check.combine([skipped, skipped]).verdict == "skipped"
    combined = check.combine([passed, differs, error])
    assert (combined.verdict, combined.failed_part) == ("error", 2)
    assert combined.first_failure is error


def test_directives_from_a_real_docstring_flow_into_the_check() -> None:
    doc = """
    >>> # xdoctest: +IGNORE_WANT("non-deterministic")
    >>> m = 3
    >>> m
    tensor([ 2.])
    """
    setup, shown = xdoctest_parts(doc)
    checker = PartChecker()
    assert checker.check(setup, ok()).verdict == "passed"
    assert checker.check(shown, ok(value="3")).verdict == "passed"


def test_exception_from_traceback_keeps_multiline_messages() -> None:
    text = (
        'Traceback (most recent call last):\n  File "<x>", line 1, in <module>\n'
        "ValueError: first\nsecond\n"
    )
    assert check.exception_from_traceback(text) == "ValueError: first\nsecond\n"
    assert check.exception_from_traceback("") == ""


def test_side_by_side_rows_line_up_expected_and_got() -> None:
    rows = check.side_by_side("a\nb\nc", "a\nB\nc\nd")
    assert [(r.tag, r.expected, r.got) for r in rows] == [
        ("equal", "a", "a"),
        ("replace", "b", "B"),
        ("equal", "c", "c"),
        ("insert", None, "d"),
    ]
    assert "-b" in check.unified_diff("a\nb", "a\nB") and "+B" in check.unified_diff("a\nb", "a\nB")


# ---- random output, comment-only parts, package options -------------------------------


def test_a_difference_after_an_unseeded_draw_is_random_output() -> None:
    checker = PartChecker()
    checker.check(Example("m = Normal(0, 1)"), ok())
    part = checker.check(Example("m.sample()", want="tensor([0.1046])"), ok(value="tensor([0.7])"))
    assert (part.verdict, part.random, part.label) == ("differs", True, "differs (random output)")
    assert part.message == "the example draws random numbers (sample()) without a seed"
    block = check.combine([part])
    assert (block.verdict, block.random, block.label) == ("differs", True, part.label)


def test_a_seed_before_the_draw_makes_a_difference_real() -> None:
    checker = PartChecker()
    checker.check(Example("torch.manual_seed(0)"), ok())
    part = checker.check(Example("torch.randn(2)", want="tensor([0., 0.])"), ok(value="x"))
    assert (part.verdict, part.random) == ("differs", False)
    # A seed in the setup code counts as run before the block.
    seeded = PartChecker(setup="import random; random.seed(3)")
    assert not seeded.check(Example("random.random()", want="0.5"), ok(value="0.1")).random


def test_a_block_is_random_only_when_every_difference_is() -> None:
    random_part = check.PartVerdict("differs", "1", "2", "random", random=True)
    real_part = check.PartVerdict("differs", "3", "4", "differs")
    mixed = check.combine([random_part, real_part])
    assert (mixed.verdict, mixed.random, mixed.failed_part) == ("differs", False, 1)
    assert check.combine([random_part, check.PartVerdict("passed")]).random


def test_errors_are_never_excused_as_random() -> None:
    checker = PartChecker()
    part = checker.check(Example("torch.randn(2)[5]"), raised(IndexError("index 5")))
    assert (part.verdict, part.random) == ("error", False)


def test_a_part_of_nothing_but_comments_is_skipped() -> None:
    assert check.skip_reason(Example("# build a model\n# then train it")) == "only comments"
    assert check.skip_reason(Example("# a comment\nx = 1")) is None
    assert check.skip_reason(Example("x = (")) is None  # broken code runs, and errors
    # A block of comments and a +SKIP part is skipped for the +SKIP.
    parts = [check.PartVerdict("skipped", message=m) for m in ("only comments", "+SKIP")]
    assert check.skip_message(check.combine(parts)) == "+SKIP"


def test_a_package_options_apply_to_every_part() -> None:
    assert check.package_options("torch.nn.functional") == ("+IGNORE_WHITESPACE",)
    assert check.package_options("json") == ()
    example = Example("x", want="tensor([[[ 2.,  4.,  6.]]])")
    got = ok(value="tensor([[[2., 4., 6.]]])")
    assert PartChecker().check(example, got).verdict == "differs"
    assert PartChecker(check.package_options("torch")).check(example, got).verdict == "passed"
