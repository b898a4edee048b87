"""Messages on the event stream that the relay did not publish do not stop or corrupt a
projection: unreadable ones (garbage, missing or broken headers) are parked by every
runner that reads them, a stale copy of an old event is recognised as already applied,
and every later event is applied exactly once."""

from __future__ import annotations

import json

import nats

from infra.bus import HEADER_POSITION, HEADER_PREV
from tests.reliability.stack import own_stack, settle_and_compare, wait_for_consumers
from tests.reliability.workload import run_workload
from tests.support import unique

POISON = [
    (b"\x00\xffnot json at all", {}),
    (b'{"event_id": "x"}', {HEADER_POSITION: "not-a-position", HEADER_PREV: "0.0"}),
    (b"[1, 2, 3]", {HEADER_PREV: "1.1"}),
]


async def _publish(url: str, settings, *, poison: bool = False, stale: bool = False) -> None:
    nc = await nats.connect(url)
    js = nc.jetstream()
    try:
        subject = f"{settings.subject_prefix}.agencies.AgencyRegistered.v1"
        if poison:
            for data, headers in POISON:
                await js.publish(subject, data, headers={**headers, "Nats-Msg-Id": unique("poison")})
        if stale:
            # The stream's first event published again under a new message id: a
            # redelivery in disguise, long after the runners applied it.
            first = await js.get_msg(settings.stream_name, seq=1)
            await js.publish(first.subject, first.data, headers={**first.headers, "Nats-Msg-Id": unique("stale")})
    finally:
        await nc.close()


async def _run(server_settings, tmp_path, *, poison: bool, stale: bool, extra_messages: int | None):
    url = server_settings.nats_url
    async with own_stack(server_settings, tmp_path, nats_url=url) as stack:
        stack.start()
        await wait_for_consumers(stack, url)
        before = await run_workload(stack.base_urls, stack.settings, commands=60, lanes=4, seed=8,
                                    max_seconds=120)
        await _publish(url, stack.settings, poison=poison, stale=stale)
        later = await run_workload(stack.base_urls, stack.settings, commands=60, lanes=4, seed=9,
                                   max_seconds=120)
        accepted = [o.key for o in before.accepted + later.accepted]
        after = await settle_and_compare(stack, nats_url=url, accepted_keys=accepted,
                                         extra_messages=extra_messages)
    print("poison:", json.dumps({k: v for k, v in after.items() if k != "read_models"}, sort_keys=True))
    assert len(accepted) == 120
    assert not after["accepted_missing"] and not after["accepted_twice"]
    assert after["differences"] == 0, after["read_models"]
    return after


async def test_unreadable_messages_are_parked_and_everything_else_flows(server_settings, tmp_path):
    after = await _run(server_settings, tmp_path, poison=True, stale=False, extra_messages=len(POISON))
    assert after["in_stream"] == after["events"] + len(POISON), "the relay carried on publishing"
    assert after["parked"] == after["runners"] * len(POISON), "every runner parked each unreadable message once"


async def test_a_stale_copy_of_an_old_event_is_not_applied_again(server_settings, tmp_path):
    after = await _run(server_settings, tmp_path, poison=False, stale=True, extra_messages=None)
    assert after["parked"] == 0, "a readable old event is skipped, not parked"
