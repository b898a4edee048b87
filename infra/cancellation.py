"""Cancellation that a library call swallowed, honoured at the next step of a loop.

On Python 3.11 ``asyncio.wait_for`` drops a cancellation that arrives just as the call it
wraps completes, and asyncpg and nats-py use it inside (connecting, requests). The task
still counts the request (``Task.cancelling``), so a worker loop that checks it each turn
stops as asked instead of carrying on: a cancelled relay must not keep publishing.
"""

from __future__ import annotations

import asyncio


def raise_if_cancelled() -> None:
    """Raise ``CancelledError`` when this task was asked to stop and a call lost it."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
