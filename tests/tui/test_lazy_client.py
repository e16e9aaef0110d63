"""One start shared by concurrent callers; a failed start is retried, not cached."""

from __future__ import annotations

import asyncio

import pytest

from explorer.tui.services.lazy_client import LazyClient


class Flaky:
    starts = 0

    async def start(self) -> None:
        Flaky.starts += 1
        await asyncio.sleep(0.01)
        if Flaky.starts == 1:
            raise OSError("could not spawn")


async def test_concurrent_callers_share_one_start_and_a_failure_is_retried() -> None:
    Flaky.starts = 0
    lazy = LazyClient(Flaky)
    with pytest.raises(OSError):
        await asyncio.gather(lazy.get(), lazy.get())
    assert Flaky.starts == 1  # both callers waited on the same start
    first, second = await asyncio.gather(lazy.get(), lazy.get())
    assert first is second and Flaky.starts == 2
    assert lazy.forget() is first and lazy.current is None
