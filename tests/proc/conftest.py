"""Real-subprocess fixtures: clients whose children can import tests/fixtures/hostile."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from explorer.proc.client import WorkerClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def fixtures_on_pythonpath() -> Iterator[Path]:
    """Children started by any test (ours or a client's default) see `hostile.*`."""
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(FIXTURES), before) if p)
    yield FIXTURES
    if before is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = before


@pytest.fixture
async def worker() -> AsyncIterator[WorkerClient]:
    client = WorkerClient("worker", timeout=20.0, extra_path=[str(FIXTURES)])
    await client.start()
    yield client
    await client.close()


@pytest.fixture
async def kernel() -> AsyncIterator[WorkerClient]:
    """A kernel with a short timeout; runs pass imports=[] unless they need torch."""
    client = WorkerClient("kernel", timeout=5.0, extra_path=[str(FIXTURES)])
    await client.start()
    yield client
    await client.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: imports torch in a subprocess (a few seconds)")
