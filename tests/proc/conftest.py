"""Real-subprocess fixtures: clients whose children can import tests/fixtures/hostile."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from explorer.proc.client import WorkerClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


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
