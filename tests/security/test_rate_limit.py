"""Write routes are rate limited per token and per address, across every API process;
reads are not. Named limits (uploads, logins) count per vendor and per address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar, post
from litestar.testing import AsyncTestClient

from infra.http.app import create_app
from infra.http.auth import mint_token
from infra.http.ratelimit import SharedBuckets, client_keys, limited
from tests.reliability.processes import api
from tests.support import unique


class StoppedClock:
    """A clock that moves only when told: buckets refill exactly as the test says.

    It starts at the real time and only moves forward, so the rows it writes look fresh to
    the occasional sweep of idle rows that a real-clock take runs (which would otherwise
    forget a bucket mid-test, handing it back full)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_a_bucket_empties_and_refills_at_the_configured_rate(civic):
    clock = StoppedClock()
    buckets = SharedBuckets(civic.pool, 60, clock=clock)  # one unit per second
    key = unique("k")
    assert [await buckets.take(key) for _ in range(60)] == [0] * 60
    assert await buckets.take(key) == 1.0
    clock.now += timedelta(seconds=0.5)
    assert await buckets.take(key) == 0.5
    clock.now += timedelta(seconds=0.5)
    assert await buckets.take(key) == 0
    assert await buckets.take(unique("other")) == 0, "keys have their own buckets"


async def test_a_request_needs_a_unit_in_every_bucket_and_a_refusal_takes_none(civic):
    buckets = SharedBuckets(civic.pool, 2, clock=StoppedClock())
    ip_a, ip_b, ip_c, tok_x, tok_y = (unique(p) for p in ("ip:a", "ip:b", "ip:c", "token:x", "token:y"))
    assert await buckets.take(ip_a, tok_x) == 0
    assert await buckets.take(ip_a, tok_x) == 0
    assert await buckets.take(ip_a, tok_y) > 0, "the address bucket is empty"
    assert await buckets.take(ip_b, tok_y) == 0, "the refusal took nothing from token:y"
    assert await buckets.take(ip_c, tok_x) > 0, "the token bucket follows the token across addresses"


def test_keys_are_the_address_and_a_digest_of_the_token_never_the_token():
    scope = {"client": ("10.1.2.3", 5555), "headers": [(b"authorization", b"Bearer secret-token")]}
    keys = client_keys(scope)
    assert keys[0] == "ip:10.1.2.3"
    assert keys[1].startswith("token:") and "secret-token" not in keys[1]
    assert client_keys({"client": None, "headers": []}) == ["ip:unknown"]


async def test_writes_over_the_limit_get_429_with_retry_after_and_change_nothing(settings, token):
    app = create_app(settings.with_(rate_limit_per_minute=3))
    admin = token("admin")
    async with AsyncTestClient(app=app, timeout=30) as client:
        # A stopped clock: the buckets do not refill however slowly the requests run.
        app.state.rate_limit_buckets = {"writes": SharedBuckets(app.state.civic.pool, 3, clock=StoppedClock())}
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


async def test_two_api_processes_share_one_limit(settings):
    """Five writes a day per client, served by two processes over one database: the
    sixth write is refused whichever process it reaches, and so is every later one."""
    limit = 5
    extra = {"CIVIC_RATE_LIMIT_PER_MINUTE": str(limit), "CIVIC_RATE_LIMIT_REFILL_S": "86400"}
    first, second = api(settings, "api-a", **extra), api(settings, "api-b", **extra)
    headers = {"Authorization": "Bearer " + mint_token(settings, role="admin", sub=unique("admin"))}
    try:
        first.start()
        second.start()
        answers: list[tuple[str, int, str | None]] = []
        async with httpx.AsyncClient(timeout=30) as http:
            for i in range(2 * limit + 2):  # alternate: per-process buckets would admit 2 x limit
                process = (first, second)[i % 2]
                response = await http.post(
                    f"{process.base_url}/api/v1/agencies", headers=headers,
                    json={"agency_id": unique("ag"), "name": "Shared Limit Board", "jurisdiction": "US-OR"})
                answers.append((process.name, response.status_code, response.headers.get("retry-after")))
    finally:
        first.stop()
        second.stop()
    statuses = [status for _, status, _ in answers]
    assert statuses == [201] * limit + [429] * (limit + 2), answers
    assert {name for name, status, _ in answers if status == 429} == {"api-a", "api-b"}
    assert all(int(retry) >= 1 for _, status, retry in answers if status == 429)


async def test_a_named_limit_counts_per_vendor_and_per_address(settings, token):
    @post("/limited-upload", guards=[limited("uploads")], status_code=201, sync_to_thread=False)
    def upload() -> dict[str, bool]:
        return {"ok": True}

    app = create_app(settings.with_(named_rate_limits={"uploads": 2}))
    app.register(upload)
    assert isinstance(app, Litestar)
    vendor_a, vendor_b = unique("va"), unique("vb")
    async with AsyncTestClient(app=app, timeout=30) as client:
        app.state.rate_limit_buckets = {"uploads": SharedBuckets(app.state.civic.pool, 2, clock=StoppedClock())}
        as_a = token("vendor", vendor=vendor_a)
        as_a_colleague = token("vendor", vendor=vendor_a)
        assert (await client.post("/limited-upload", headers=as_a)).status_code == 201
        assert (await client.post("/limited-upload", headers=as_a_colleague)).status_code == 201
        refused = await client.post("/limited-upload", headers=as_a)
        assert refused.status_code == 429 and refused.headers["retry-after"]
        assert refused.json()["error"]["code"] == "rate_limited"
        # vendor B is not held back by vendor A's uploads, but the address is now spent too
        client_b = token("vendor", vendor=vendor_b)
        assert (await client.post("/limited-upload", headers=client_b)).status_code == 429


async def test_the_exclusions_import_is_an_upload_under_the_named_limit(isolated, token):
    """The one upload route there is: the CSV import of exclusions counts against
    ``CIVIC_RATE_LIMIT_UPLOADS``, apart from (and before) the general write limit. (A
    database of its own: the test client's address bucket of other tests stays apart.)"""
    app = create_app((await isolated()).with_(named_rate_limits={"uploads": 1}))
    async with AsyncTestClient(app=app, timeout=30) as client:
        app.state.rate_limit_buckets = {"uploads": SharedBuckets(app.state.civic.pool, 1, clock=StoppedClock())}
        admin = token("admin") | {"Content-Type": "text/csv"}
        body = "name,tax_id,reason,from_date,to_date\n"
        first = await client.post("/api/v1/exclusions/import", headers=admin, content=body)
        assert first.status_code == 200, first.text
        again = await client.post("/api/v1/exclusions/import", headers=admin, content=body)
        assert again.status_code == 429 and int(again.headers["retry-after"]) >= 1, again.text
        assert again.json()["error"]["code"] == "rate_limited"
        # other writes of the same caller are not uploads: still admitted
        agency = await client.post("/api/v1/agencies", headers=token("admin"), json={
            "agency_id": unique("ag"), "name": "Upload Limit Board", "jurisdiction": "US-OR"})
        assert agency.status_code == 201, agency.text


async def test_document_uploads_are_under_the_named_limit(isolated, token):
    """Every document upload route counts against ``CIVIC_RATE_LIMIT_UPLOADS`` before the
    upload is looked at: the second attempt within the minute is 429 even where the first
    found no such record."""
    app = create_app((await isolated()).with_(named_rate_limits={"uploads": 1}))
    async with AsyncTestClient(app=app, timeout=30) as client:
        app.state.rate_limit_buckets = {"uploads": SharedBuckets(app.state.civic.pool, 1, clock=StoppedClock())}
        vendor = token("vendor", vendor=unique("v"))
        first = await client.post(f"/api/v1/vendors/{unique('v')}/documents", headers=vendor,
                                  files={"file": ("w9.pdf", b"%PDF-1.4", "application/pdf")})
        assert first.status_code == 404, first.text
        again = await client.post(f"/api/v1/bids/{unique('b')}/documents", headers=vendor,
                                  files={"file": ("w9.pdf", b"%PDF-1.4", "application/pdf")})
        assert again.status_code == 429 and again.json()["error"]["code"] == "rate_limited", again.text
