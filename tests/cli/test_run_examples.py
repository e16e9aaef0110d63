"""`explore TARGET --run-examples` as a user runs it: a real subprocess, real kernels.

The fixture package tests/fixtures/examples_pkg holds calm examples (pass,
differ, raise, expect a traceback, skip) and hostile ones (loop forever,
ignore the interrupt, segfault, os._exit, print 20 MB, input(), 50 GB).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
TIMEOUT = 2.0


def explore(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(FIXTURES), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "explorer", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def whole_package() -> dict[str, Any]:
    done = explore("examples_pkg", "--run-examples", "--json", "--timeout", str(TIMEOUT))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {example["qualname"].rsplit(".", 1)[-1]: example for example in report["examples"]}


def test_calm_examples_get_their_verdicts(whole_package: dict[str, Any]) -> None:
    examples = by_name(whole_package)
    assert examples["examples_pkg"]["verdict"] == "passed"  # the package docstring
    assert examples["passes"]["verdict"] == "passed"  # uses SCALE from its module's globals
    assert examples["uses_torch"]["verdict"] == "passed"  # `import torch` is seeded
    assert examples["expects_traceback"]["verdict"] == "passed"
    assert examples["skipped"]["verdict"] == "skipped"
    assert examples["raises"]["verdict"] == "error"
    assert examples["raises"]["message"] == "KeyError: 'missing'"
    differs = examples["differs"]
    assert differs["verdict"] == "differs"
    first, second = differs["parts"]
    assert (first["expected"], first["got"]) == ("3", "2")
    assert second["verdict"] == "passed"  # a mismatch does not stop the example


def test_hostile_examples_each_end_with_their_own_status(whole_package: dict[str, Any]) -> None:
    examples = by_name(whole_package)
    expected = {
        "loops_forever": ("timeout", "timed out after 2 s"),
        "ignores_interrupts": ("timeout", "kernel killed and restarted"),
        "segfaults": ("crashed", "signal 11"),
        "exits": ("crashed", "exit code 3"),
        "prints_20_mb": ("passed", ""),
        "reads_input": ("error", "EOFError"),
        "allocates_50_gb": ("error", "out of memory"),
    }
    for name, (verdict, words) in expected.items():
        example = examples[name]
        assert (example["verdict"], name) == (verdict, name)
        assert words in example["message"], (name, example["message"])
        assert example["seconds"] <= TIMEOUT + 2, (name, example["seconds"])
    assert any("output truncated" in note for note in examples["prints_20_mb"]["notes"])


def test_every_example_ran_in_order_with_a_summary(whole_package: dict[str, Any]) -> None:
    locations = [example["location"] for example in whole_package["examples"]]
    assert locations[0] == "examples_pkg:3"
    assert locations[-1].startswith("examples_pkg.hostile.allocates_50_gb:")
    assert len(locations) == 14
    assert whole_package["summary"] == {
        "passed": 5,
        "differs": 1,
        "error": 3,
        "skipped": 1,
        "timeout": 2,
        "crashed": 2,
        "total": 14,
    }


def test_text_output_is_one_line_per_example_and_a_summary() -> None:
    done = explore("examples_pkg.calm", "--run-examples")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "passed   examples_pkg.calm.passes:9"
    assert "differs  examples_pkg.calm.differs:20  (output differs from the expected)" in lines
    assert "         expected: 3" in lines and "         got:      2" in lines
    assert "error    examples_pkg.calm.raises:30  (KeyError: 'missing')" in lines
    assert "skipped  examples_pkg.calm.skipped:47  (+SKIP)" in lines
    assert lines[-1].startswith(
        "3 passed, 1 differ, 1 errors, 1 skipped, 0 timed out, 0 crashed — 6 examples of "
        "examples_pkg.calm in "
    )
    assert "\x1b[" not in done.stdout


def test_a_single_function_runs_only_its_own_examples() -> None:
    done = explore("examples_pkg.calm.passes", "--run-examples", "--json")
    report = json.loads(done.stdout)
    assert [e["location"] for e in report["examples"]] == ["examples_pkg.calm.passes:9"]
    assert report["examples"][0]["module"] == "examples_pkg.calm"


def test_unknown_target_is_one_line_and_exit_2() -> None:
    done = explore("examples_pkg.nope", "--run-examples")
    assert done.returncode == 2
    assert done.stderr.startswith("explore: ") and done.stderr.count("\n") == 1
    assert "nope" in done.stderr
    assert done.stdout == ""


def test_submodules_nothing_imported_are_named_not_imported() -> None:
    # tests/fixtures/hostile/__init__.py imports none of its (hostile) submodules.
    done = explore("hostile", "--run-examples")
    assert done.returncode == 0, done.stderr
    summary, note = done.stdout.splitlines()[-2:]
    assert summary.startswith("0 passed,")
    assert note.startswith("note: not searched, because nothing imported them: ")
    assert "hostile.segfault_on_import" in note or "more" in note


def test_torch_distributions_passes_at_least_what_xdoctest_passes() -> None:
    pytest.importorskip("torch")
    done = explore("torch.distributions", "--run-examples", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)["summary"]
    # `python -m xdoctest torch.distributions --global-exec "import torch"`: 34 passed.
    assert summary["passed"] >= 34, summary
    assert summary["error"] == summary["timeout"] == summary["crashed"] == 0
