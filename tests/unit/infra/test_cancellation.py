"""A cancellation that a library call swallows still stops a worker loop at its next turn."""

import asyncio

import pytest

from infra.cancellation import raise_if_cancelled


async def _call_that_swallows_a_cancel(started: asyncio.Event) -> str:
    """Like ``wait_for`` on Python 3.11 when the cancel lands as the inner call completes."""
    started.set()
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        return "completed anyway"
    return "completed"


async def test_a_loop_stops_after_a_call_swallowed_its_cancel():
    started = asyncio.Event()
    turns = []

    async def worker() -> None:
        while True:
            raise_if_cancelled()
            turns.append(await _call_that_swallows_a_cancel(started))

    task = asyncio.create_task(worker())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    assert turns == ["completed anyway"]


async def test_a_task_never_cancelled_carries_on():
    async def worker() -> int:
        for _ in range(3):
            raise_if_cancelled()
            await asyncio.sleep(0)
        return 3

    assert await worker() == 3
