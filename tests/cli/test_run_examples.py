"""`explore TARGET --run-examples` as a user runs it: a real subprocess, real kernels.

The fixture package tests/fixtures/examples_pkg holds calm examples (pass,
differ, raise, expect a traceback, skip), hostile ones (loop forever, ignore
the interrupt, segfault, os._exit, print 20 MB, input(), 50 GB) and a
submodule nothing imports (found by importing it: random output, comments).
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


def explore(
    *args: str, timeout: float = 180, path: tuple[Path, ...] = ()
) -> subprocess.CompletedProcess[str]:
    pythonpath = os.pathsep.join(str(entry) for entry in (*path, FIXTURES))
    env = {**os.environ, "PYTHONPATH": pythonpath, "NO_COLOR": "1"}
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
    # No conventions for examples_pkg: its kernel never imports torch.
    assert examples["no_torch_here"]["verdict"] == "passed"
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
    assert locations[-1].startswith("examples_pkg.lazy.comments_only:")
    assert len(locations) == 17
    assert whole_package["summary"] == {
        "collected": 17,
        "passed": 6,
        "differs": 2,
        "random": 1,
        "error": 3,
        "skipped": 2,
        "timeout": 2,
        "crashed": 2,
        "total": 17,
    }
    assert whole_package["imported"] == ["examples_pkg.lazy"]
    assert whole_package["namespace"] == {"conventions": [], "setup": None, "options": []}


def test_submodules_are_imported_to_find_their_examples(whole_package: dict[str, Any]) -> None:
    examples = by_name(whole_package)
    assert examples["found_by_importing"]["verdict"] == "passed"
    # Random output is a difference apart: flagged, counted under "random" too.
    random_draw = examples["random_draw"]
    assert (random_draw["verdict"], random_draw["random"]) == ("differs", True)
    assert "random numbers (random())" in random_draw["message"]
    assert examples["differs"]["random"] is False
    # A block of nothing but comments proves nothing: skipped, not passed.
    comments = examples["comments_only"]
    assert (comments["verdict"], comments["message"]) == ("skipped", "only comments")


def test_text_output_is_a_header_one_line_per_example_and_a_summary() -> None:
    done = explore("examples_pkg.calm", "--run-examples")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == [
        "6 examples of examples_pkg.calm (run in a temporary working directory, removed "
        "afterwards)",
        "namespace: its module's globals (examples_pkg has no conventions; --setup CODE adds "
        "names)",
    ]
    assert lines[2] == "passed   examples_pkg.calm.passes:9"
    assert "differs  examples_pkg.calm.differs:20  (output differs from the expected)" in lines
    assert "         expected: 3" in lines and "         got:      2" in lines
    assert "error    examples_pkg.calm.raises:30  (KeyError: 'missing')" in lines
    assert "skipped  examples_pkg.calm.skipped:47  (+SKIP)" in lines
    assert lines[-1].startswith(
        "6 collected: 3 passed, 1 differ (0 random output), 1 error, 1 skipped, 0 timed out, "
        "0 crashed — examples of examples_pkg.calm in "
    )
    assert "\x1b[" not in done.stdout


def test_setup_code_replaces_the_conventions() -> None:
    seeded = "import random; random.seed(0)"
    done = explore("examples_pkg.lazy", "--run-examples", "--setup", seeded)
    assert done.returncode == 0, done.stderr
    _, namespace, *_, summary = done.stdout.splitlines()
    assert namespace == f"namespace: its module's globals, then --setup {seeded!r}"
    # The setup seeds the generator: the draw is the same on every run, so its
    # difference is a real one, not "random output".
    assert "differs  examples_pkg.lazy.random_draw:" in done.stdout
    assert "1 differ (0 random output)" in summary


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


def test_submodule_imports_that_fail_are_noted_and_skipped() -> None:
    # tests/fixtures/hostile/__init__.py imports none of its submodules; four of them
    # exit, segfault, os._exit or hang on import. None of that stops the run.
    done = explore("hostile", "--run-examples", "--timeout", str(TIMEOUT), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    why = {failure["module"]: failure["why"] for failure in report["import_failures"]}
    assert why["hostile.exit_on_import"] == "called sys.exit(3)"
    assert "exit code 7" in why["hostile.os_exit_on_import"]
    assert "SIGSEGV" in why["hostile.segfault_on_import"]
    assert why["hostile.hang_on_import"].startswith(f"took longer than {TIMEOUT:g} s (--timeout")
    assert "KeyboardInterrupt" not in done.stdout + done.stderr
    assert "hostile.documented" in report["imported"]
    names = {example["qualname"] for example in report["examples"]}
    assert {"hostile.documented.add", "hostile.bad_examples.passes"} <= names
    assert report["unsearched"] == []  # the failures are listed once, as failures


def test_a_submodule_that_hangs_beyond_signals_is_skipped_after_its_limit(tmp_path: Path) -> None:
    package = tmp_path / "stubborn"
    package.mkdir()
    (package / "__init__.py").write_text('"""Imports none of its submodules."""\n')
    (package / "blocks.py").write_text(
        "import signal, time\n"
        "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGINT})\n"
        "time.sleep(600)\n"
    )
    (package / "fine.py").write_text('def f():\n    """\n    >>> 6 * 7\n    42\n    """\n')
    done = explore("stubborn", "--run-examples", "--json", "--timeout", "1", path=(tmp_path,))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    (failure,) = report["import_failures"]
    assert failure["module"] == "stubborn.blocks"
    assert failure["why"].startswith("did not finish within 1 s and ignored the time limit")
    assert [(e["qualname"], e["verdict"]) for e in report["examples"]] == [
        ("stubborn.fine.f", "passed")
    ]


def test_loaded_only_names_the_submodules_it_did_not_import() -> None:
    done = explore("examples_pkg", "--run-examples", "--loaded-only", "--json", "--timeout", "2")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["imported"] == [] and report["unsearched"] == ["examples_pkg.lazy"]
    assert not any(e["module"] == "examples_pkg.lazy" for e in report["examples"])


def test_a_target_that_hangs_on_import_is_bounded_by_the_timeout() -> None:
    done = explore("hostile.hang_on_import", "--run-examples", "--timeout", "1", timeout=60)
    assert done.returncode == 2
    assert done.stderr == (
        "explore: importing hostile.hang_on_import took longer than 1 s "
        "(--timeout 1 bounds each import too; give more with --timeout S)\n"
    )
    assert done.stdout == ""


@pytest.mark.slow
def test_torch_distributions_passes_at_least_what_xdoctest_passes() -> None:
    pytest.importorskip("torch")
    done = explore("torch.distributions", "--run-examples", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)["summary"]
    # `python -m xdoctest torch.distributions --global-exec "import torch"`: 34 passed.
    assert summary["passed"] >= 34, summary
    assert summary["error"] == summary["timeout"] == summary["crashed"] == 0
