"""Write routes are rate limited per token and per address; reads are not."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from infra.http.app import create_app
from infra.http.ratelimit import TokenBuckets, client_keys
from tests.support import unique


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_empties_and_refills_at_the_configured_rate():
    clock = FakeClock()
    buckets = TokenBuckets(60, clock=clock)  # one unit per second
    assert all(buckets.take("k") == 0 for _ in range(60))
    assert buckets.take("k") == 1.0
    clock.now += 0.5
    assert buckets.take("k") == 0.5
    clock.now += 0.5
    assert buckets.take("k") == 0
    assert buckets.take("other") == 0, "keys have their own buckets"


def test_a_request_needs_a_unit_in_every_bucket_and_a_refusal_takes_none():
    clock = FakeClock()
    buckets = TokenBuckets(2, clock=clock)
    assert buckets.take("ip:a", "token:x") == 0
    assert buckets.take("ip:a", "token:x") == 0
    assert buckets.take("ip:a", "token:y") > 0, "the address bucket is empty"
    assert buckets.take("ip:b", "token:y") == 0, "the refusal took nothing from token:y"
    assert buckets.take("ip:c", "token:x") > 0, "the token bucket follows the token across addresses"


def test_forgotten_keys_are_bounded():
    buckets = TokenBuckets(1, max_keys=10)
    for i in range(100):
        buckets.take(f"k{i}")
    assert len(buckets._buckets) == 10


def test_keys_are_the_address_and_a_digest_of_the_token_never_the_token():
    scope = {"client": ("10.1.2.3", 5555), "headers": [(b"authorization", b"Bearer secret-token")]}
    keys = client_keys(scope)
    assert keys[0] == "ip:10.1.2.3"
    assert keys[1].startswith("token:") and "secret-token" not in keys[1]
    assert client_keys({"client": None, "headers": []}) == ["ip:unknown"]


async def test_writes_over_the_limit_get_429_with_retry_after_and_change_nothing(settings, token):
    app = create_app(settings.with_(rate_limit_per_minute=3))
    # A stopped clock: the buckets do not refill however slowly the requests run.
    app.state.rate_limit_buckets = TokenBuckets(3, clock=FakeClock())
    admin = token("admin")
    async with AsyncTestClient(app=app, timeout=30) as client:
        for _ in range(3):
            body = {"agency_id": unique("ag"), "name": "Water Board", "jurisdiction": "US-OR"}
            assert (await client.post("/api/v1/agencies", json=body, headers=admin)).status_code == 201
        refused_id = unique("ag")
        refused = await client.post("/api/v1/agencies", headers=admin,
                                    json={"agency_id": refused_id, "name": "Late", "jurisdiction": "US-OR"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        error = refused.json()["error"]
        assert error["code"] == "rate_limited"
        assert error["details"]["limit_per_minute"] == 3
        assert set(error) == {"code", "message", "details"}
        # Another token from the same address shares the address budget.
        other = await client.put(f"/api/v1/agencies/{refused_id}/goals", json={"goals": []},
                                 headers=token("admin"))
        assert other.status_code == 429
        # Reads are never limited, and the refused write stored nothing.
        for _ in range(5):
            missing = await client.get(f"/api/v1/agencies/{refused_id}", headers=admin)
            assert missing.status_code == 404
