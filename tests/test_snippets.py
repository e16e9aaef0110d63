"""Every library snippet runs, and shows what its title promises.

Each snippet runs in-process in a fresh namespace (like the kernel's), with
its printed output and the variables it leaves behind checked.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from typing import Any

import pytest

from explorer import snippets
from explorer.core.errors import UsageError
from explorer.core.model import Plot

torch = pytest.importorskip("torch")


def run_snippet(name: str) -> tuple[dict[str, Any], str]:
    snippet = snippets.get_snippet(name)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(snippet.code, f"<snippet {name}>", "exec"), namespace)  # noqa: S102
    return namespace, out.getvalue()


EXPECTED_NAMES = {
    "autograd_basics",
    "nonscalar_backward",
    "detach",
    "control_flow",
    "higher_derivatives",
    "derivative_limit",
    "chain_rule",
    "gradient_identities",
    "multinomial_sampling",
    "die_frequencies",
    "documentation",
}


def test_library_lists_every_lesson_with_title_and_explanation() -> None:
    listed = snippets.list_snippets()
    assert {s.name for s in listed} == EXPECTED_NAMES
    for snippet in listed:
        assert snippet.title and snippet.title != snippet.name
        assert len(snippet.explanation) > 40
        assert '"""' not in snippet.code  # the docstring is shown above, not in the code
        assert snippet.code.lstrip().startswith("import")


def test_unknown_snippet_suggests_close_names() -> None:
    with pytest.raises(UsageError, match="autograd_basics"):
        snippets.get_snippet("autograd_basic")
    with pytest.raises(UsageError, match="no snippet named 'zzz'"):
        snippets.get_snippet("zzz")


def test_autograd_basics_gradient_is_4x() -> None:
    ns, out = run_snippet("autograd_basics")
    assert "x.grad == 4 * x: tensor([True, True, True, True])" in out
    # After zero_() and backward of x.sum() the gradient is all ones.
    assert torch.equal(ns["x"].grad, torch.ones(4))


def test_nonscalar_backward_ways_agree() -> None:
    ns, out = run_snippet("nonscalar_backward")
    assert out.count("same gradient: True") == 2
    assert torch.equal(ns["via_sum"], 2 * torch.arange(4.0))
    assert torch.equal(ns["via_w"], 2 * torch.arange(4.0) * ns["w"])


def test_detach_stops_gradients_at_u() -> None:
    ns, out = run_snippet("detach")
    assert "x.grad == u (u acts as a constant): tensor([True, True, True, True])" in out
    assert "x.grad == 2 * x: tensor([True, True, True, True])" in out
    assert not ns["u"].requires_grad


def test_control_flow_gradient_is_f_over_a() -> None:
    ns, out = run_snippet("control_flow")
    assert "a.grad == f(a) / a: True" in out
    assert torch.isclose(ns["a"].grad, ns["d"] / ns["a"])


def test_higher_derivatives_and_retain_graph() -> None:
    ns, out = run_snippet("higher_derivatives")
    assert ns["first"].item() == pytest.approx(12.0)  # 3x² at x = 2
    assert ns["second"].item() == pytest.approx(12.0)  # 6x at x = 2
    assert "two passes over one graph agree: True" in out
    assert "second pass without retain_graph: RuntimeError" in out


def test_derivative_limit_approaches_two() -> None:
    ns, out = run_snippet("derivative_limit")
    lines = [line for line in out.splitlines() if line.startswith("h=")]
    assert len(lines) == 5
    assert lines[-1].endswith("numerical limit=2.00000") or abs(ns["quotient"] - 2) < 1e-3
    assert "autograd f'(1) = 2.0" in out


def test_chain_rule_matches_the_formula() -> None:
    _, out = run_snippet("chain_rule")
    assert "chain rule holds: True" in out


def test_every_gradient_identity_holds() -> None:
    _, out = run_snippet("gradient_identities")
    checks = [line for line in out.splitlines() if line.startswith(("∇ₓ", "∇_X"))]
    assert len(checks) == 5
    assert all(line.endswith(": True") for line in checks), out


def test_multinomial_sampling_shapes() -> None:
    ns, out = run_snippet("multinomial_sampling")
    assert "each row sums to 10: True" in out
    assert ns["one_roll"].sum().item() == 1
    assert ns["counts"].sum().item() == 1000


def test_die_frequencies_end_near_one_sixth() -> None:
    ns, out = run_snippet("die_frequencies")
    assert ns["rolls"] == 10_000
    assert torch.allclose(ns["frequencies"], torch.full((6,), 1 / 6), atol=0.05)
    assert "after  10000 rolls:" in out
    assert "(plot() is available when this runs in the explorer kernel)" in out
    assert set(ns["series"]) == {f"P(die={face})" for face in range(1, 7)} | {"1/6"}


def test_documentation_filters_private_names_and_prints_help() -> None:
    ns, out = run_snippet("documentation")
    assert ns["public"] and not any(name.startswith("_") for name in ns["public"])
    assert "Normal" in ns["public"]
    assert "Help on built-in function ones" in out


# ---- in the kernel, as `explore --snippet` and the TUI run them ------------------------

KERNEL_CHECKS = {
    "autograd_basics": "x.grad == 4 * x: tensor([True, True, True, True])",
    "nonscalar_backward": "same gradient: True",
    "detach": "x.grad == u (u acts as a constant): tensor([True, True, True, True])",
    "control_flow": "a.grad == f(a) / a: True",
    "higher_derivatives": "two passes over one graph agree: True",
    "derivative_limit": "autograd f'(1) = 2.0",
    "chain_rule": "chain rule holds: True",
    "gradient_identities": "∇_X ‖X‖_F² = 2X: True",
    "multinomial_sampling": "each row sums to 10: True",
    "die_frequencies": "after  10000 rolls:",
    "documentation": "Help on built-in function ones",
}


@pytest.mark.slow
async def test_every_snippet_runs_in_the_kernel() -> None:
    from explorer.proc.client import WorkerClient
    from explorer.proc.messages import RunRequest

    assert set(KERNEL_CHECKS) == EXPECTED_NAMES
    plots: list[Plot] = []
    async with WorkerClient("kernel", timeout=60) as kernel:
        for name, expected in KERNEL_CHECKS.items():
            code = snippets.get_snippet(name).code
            result = await kernel.run(RunRequest(code, fresh=True))
            assert result.status == "ok", (name, result)
            assert expected in result.stdout, (name, result.stdout)
            plots += result.plots
    # The die snippet draws through the kernel's plot() instead of its fallback.
    (plot,) = plots
    assert [s.label for s in plot.series][-1] == "1/6"
    assert len(plot.series) == 7 and plot.xlabel == "rolls"
    final = [s.y[-1] for s in plot.series[:6]]
    assert all(isinstance(p, float) and abs(p - 1 / 6) < 0.05 for p in final)


def explore(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "explorer", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_cli_lists_snippets_with_titles() -> None:
    done = explore("--snippets")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert len(lines) == len(EXPECTED_NAMES)
    assert any(line.startswith("autograd_basics") and "Autograd basics" in line for line in lines)


def test_cli_snippet_prints_code_then_output() -> None:
    done = explore("--snippet", "autograd_basics")
    assert done.returncode == 0, done.stderr
    code_at = done.stdout.index("    y = 2 * torch.dot(x, x)")
    output_at = done.stdout.index("x.grad == 4 * x: tensor([True, True, True, True])")
    assert done.stdout.startswith("Autograd basics")
    assert code_at < done.stdout.index("Output") < output_at


def test_cli_unknown_snippet_is_a_usage_error_with_close_names() -> None:
    done = explore("--snippet", "detatch")
    assert done.returncode == 2
    assert done.stderr.startswith("explore: no snippet named 'detatch'; did you mean detach")
    assert done.stderr.count("\n") == 1 and done.stdout == ""
