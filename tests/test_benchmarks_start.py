"""Every benchmark script still starts (imports and parses its options): a script that
rotted with the code it measures would only be found when someone needs its numbers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = sorted(  # _pty_app.py and the like are the scripts' shared helpers
    path
    for path in (Path(__file__).resolve().parents[1] / "benchmarks").glob("*.py")
    if not path.name.startswith("_")
)


@pytest.mark.parametrize("script", SCRIPTS, ids=[path.stem for path in SCRIPTS])
def test_the_benchmark_starts(script: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(script), "--help"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage" in result.stdout.lower()
