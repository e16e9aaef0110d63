"""Run `explore` as a user does: a real subprocess, its exit code, stdout and stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def explore(
    *args: str, env: dict[str, str] | None = None, cwd: str | Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:  # fmt: skip
    environment = {**os.environ, "PYTHONPATH": str(FIXTURES), "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "explorer", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
    )
