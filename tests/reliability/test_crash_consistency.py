"""Crash consistency: a seeded workload of mixed commands runs while the relay, the
projection runner and the API process are SIGKILLed at random moments and NATS is
restarted once. After recovery:

- every read model equals a rebuild from the event store (zero differences),
- every command that got a 2xx has its events in the store, appended exactly once,
- the stream holds every stored event once, no event is parked, no request got a 500.

The default suite runs a short version; the full one (5,000 commands) is slow:

    make test-slow PYTEST_ARGS="tests/reliability/test_crash_consistency.py"
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass, field

import pytest

from tests.reliability import processes
from tests.reliability.servers import OwnNats
from tests.reliability.stack import own_stack, settle_and_compare
from tests.reliability.workload import run_workload


@dataclass
class Chaos:
    """Kills processes at seeded random moments; restarts NATS once."""

    rng: random.Random
    victims: dict[str, processes.CivicProcess]
    nats: OwnNats
    pause: tuple[float, float]
    kills: dict[str, int] = field(default_factory=dict)
    nats_restarts: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Until ``stop`` is set and every victim (and NATS) has been hit at least once."""
        plan = list(self.victims) + ["nats"]
        self.rng.shuffle(plan)  # a seeded order
        while plan or not stop.is_set():
            if plan:
                await asyncio.sleep(self.rng.uniform(*self.pause))
            else:
                try:
                    await asyncio.wait_for(stop.wait(), self.rng.uniform(*self.pause))
                    return
                except TimeoutError:
                    pass
            victim = plan.pop(0) if plan else self.rng.choice(list(self.victims))
            if victim == "nats":
                await asyncio.to_thread(self.nats.stop)
                await asyncio.sleep(self.rng.uniform(0.5, 2.0))
                await asyncio.to_thread(self.nats.start)
                self.nats_restarts += 1
                continue
            process = self.victims[victim]
            process.kill()
            self.kills[victim] = self.kills.get(victim, 0) + 1
            await asyncio.sleep(self.rng.uniform(0.1, 1.5))
            await asyncio.to_thread(process.start)


async def _crash_run(server_settings, tmp_path, *, commands: int, lanes: int, seed: int,
                     pause: tuple[float, float], max_seconds: float) -> dict:
    nats = OwnNats()
    nats.start()
    try:
        async with own_stack(server_settings, tmp_path, nats_url=nats.url) as stack:
            stack.start()
            chaos = Chaos(random.Random(seed), {"api": stack.apis[0], "relay": stack.relays[0],
                                                "projector": stack.projectors[0]}, nats, pause)
            stop = asyncio.Event()
            chaos_task = asyncio.create_task(chaos.run(stop))
            totals = await run_workload(stack.base_urls, stack.settings, commands=commands, lanes=lanes,
                                        seed=seed, max_seconds=max_seconds)
            stop.set()
            await chaos_task
            await asyncio.to_thread(stack.restart_dead)
            after = await settle_and_compare(stack, nats_url=nats.url,
                                             accepted_keys=[o.key for o in totals.accepted])
    finally:
        nats.remove()
    figures = {**totals.figures(), **after, "kills": chaos.kills, "nats_restarts": chaos.nats_restarts,
               "accepted_missing": len(after["accepted_missing"]),
               "accepted_twice": len(after["accepted_twice"]), "server_errors": len(totals.server_errors)}
    print("crash consistency:", json.dumps(figures, sort_keys=True))
    assert not totals.server_errors, totals.server_errors[:5]
    assert figures["unanswered"] == 0, "a command never got an answer after recovery"
    assert figures["accepted"] > 0 and figures["events"] >= figures["accepted"]
    assert set(chaos.kills) == {"api", "relay", "projector"} and chaos.nats_restarts == 1, figures
    assert not after["accepted_missing"], f"accepted commands without events: {after['accepted_missing'][:5]}"
    assert not after["accepted_twice"], f"commands appended twice: {after['accepted_twice'][:5]}"
    assert figures["in_stream"] == figures["events"], "every stored event is on the stream once"
    assert figures["parked"] == 0
    assert figures["differences"] == 0, after["read_models"]
    return figures


async def test_short_crash_run_loses_and_repeats_nothing(server_settings, tmp_path):
    await _crash_run(server_settings, tmp_path, commands=300, lanes=8, seed=11,
                     pause=(1.0, 2.0), max_seconds=120)


@pytest.mark.slow
async def test_five_thousand_commands_through_crashes_lose_and_repeat_nothing(server_settings, tmp_path):
    figures = await _crash_run(server_settings, tmp_path, commands=5000, lanes=16, seed=20261122,
                               pause=(2.0, 6.0), max_seconds=900)
    assert figures["commands"] == 5000
