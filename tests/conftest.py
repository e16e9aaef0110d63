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
