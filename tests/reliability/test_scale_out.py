"""Scale-out: two API processes, two relays and two runners of every projection, under
the same seeded workload as one of each. One relay publishes at a time, so the stream
holds every event once; runners of the same projection take turns on its checkpoint,
so each read model equals what a single runner builds from the store (a rebuild), with
no event applied twice or out of order."""

from __future__ import annotations

import json

import pytest

from tests.reliability.stack import own_stack, settle_and_compare
from tests.reliability.workload import run_workload


@pytest.mark.parametrize("copies", [1, 2], ids=["one of each", "two of each"])
async def test_copies_of_every_process_give_the_same_results_as_one(server_settings, tmp_path, copies):
    url = server_settings.nats_url
    async with own_stack(server_settings, tmp_path, nats_url=url, apis=copies, relays=copies,
                         projectors=copies) as stack:
        stack.start()
        totals = await run_workload(stack.base_urls, stack.settings, commands=300, lanes=8, seed=3,
                                    max_seconds=180)
        after = await settle_and_compare(stack, nats_url=url, accepted_keys=[o.key for o in totals.accepted])
    figures = {**totals.figures(), **after}
    print(f"scale-out x{copies}:", json.dumps(figures, sort_keys=True))
    assert not totals.server_errors and figures["unanswered"] == 0
    assert figures["accepted"] == 300, "the seeded workload is accepted whole, whatever the copies"
    assert after["in_stream"] == after["events"]
    assert not after["accepted_missing"] and not after["accepted_twice"]
    assert after["differences"] == 0 and after["parked"] == 0, after["read_models"]
