"""Fixture modules (tests/fixtures) are importable here and in every child process."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))  # core tests import them in-process


@pytest.fixture(scope="session", autouse=True)
def fixtures_on_pythonpath() -> Iterator[Path]:
    """Workers, kernels and CLI runs started by any test see `hostile.*`, `tui_sample` ..."""
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(FIXTURES), before) if p)
    yield FIXTURES
    if before is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = before


# Files whose tests drive real child processes for seconds each (index builds, hostile
# imports, the CLI end to end, whole TUI sessions): `make test-fast` leaves them out,
# `make test` runs them. Keep this list short; a new slow test belongs in one of these.
SLOW_FILES = frozenset({
    "proc/test_index_hostile.py", "proc/test_index_build.py", "proc/test_index_build_cli.py",
    "cli/test_run_examples.py", "cli/test_isolation.py",
    "tui/test_first_minute.py", "tui/test_explorer_pilot.py", "tui/test_search_screen.py",
    "tui/test_example_runner_runs.py", "tui/test_app_errors.py", "tui/test_runner_examples.py",
    "tui/test_hostile_targets.py", "tui/test_example_seams.py", "tui/test_first_paint.py",
})  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`slow`: a test that imports torch (parametrized over a torch target, or marked by
    hand) or one in SLOW_FILES."""
    for item in items:
        relative = item.path.relative_to(Path(__file__).parent).as_posix()
        callspec = getattr(item, "callspec", None)
        values = callspec.params.values() if callspec is not None else ()
        torch_target = any(isinstance(v, str) and v.split(".")[0] == "torch" for v in values)
        if torch_target or relative in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
