"""``civic status``, ``civic rebuild`` and ``civic token`` through their command functions."""

from __future__ import annotations

import jwt
import pytest

from infra import cli
from infra.container import open_civic
from kernel.context import Actor
from services.agencies.commands import RegisterAgency, SetGoals
from services.agencies.decider import AGENCY
from tests.integration.infra.support import all_visible


async def _activity(pool) -> list[tuple]:
    rows = await pool.fetch("SELECT * FROM activity_log ORDER BY transaction_id, position")
    return [tuple(r) for r in rows]


async def test_status_shows_lag_and_parked_events_and_rebuild_equals_live(isolated):
    settings = await isolated()
    civic = await open_civic(settings)
    try:
        admin = Actor(sub="admin-1", role="admin", agency="ag-1")
        for i in range(3):
            await civic.executor.execute(AGENCY, f"ag-{i}", RegisterAgency(
                agency_id=f"ag-{i}", name="Parks", jurisdiction="City"), admin)
            await civic.executor.execute(AGENCY, f"ag-{i}", SetGoals(goals=[]), admin)
        # An event of a type this build does not know (written by a newer version).
        await civic.pool.execute(
            "INSERT INTO events (event_id, stream_id, version, type, schema_version, data, metadata,"
            " occurred_at) VALUES (gen_random_uuid(), 'future-1', 1, 'future.Thing.v1', 1, $1, $2, now())",
            '{"type": "future.Thing.v1"}', '{"occurred_at": "2030-01-01T00:00:00Z"}')

        before = await cli.status_report(settings)
        assert before["events"] == 7
        assert before["projections"]["activity"] == {"checkpoint": "0.0", "lag": 7, "parked": 0}

        await all_visible(civic.store, 7)
        runner = civic.runner_for("activity")
        assert await runner.catch_up() == 7
        after = await cli.status_report(settings)
        activity = after["projections"]["activity"]
        assert activity["lag"] == 0 and activity["parked"] == 1
        assert activity["checkpoint"] == after["head"]
        live = await _activity(civic.pool)
        assert len(live) == 6

        progress: list[tuple[int, int]] = []
        count = await cli.rebuild_projection(settings, "activity", lambda d, t: progress.append((d, t)))
        assert count == 7 and progress[-1] == (7, 7)
        assert await _activity(civic.pool) == live
        assert (await cli.status_report(settings))["projections"]["activity"]["parked"] == 1
    finally:
        await civic.close()


async def test_rebuild_of_an_unknown_projection_names_the_known_ones(isolated):
    with pytest.raises(KeyError) as raised:
        await cli.rebuild_projection(await isolated(), "no_such_read_model")
    assert "activity" in raised.value.args[0]


def test_token_prints_a_signed_token_with_the_claims(capsys, monkeypatch):
    monkeypatch.setenv("CIVIC_SIGNING_KEY", "a-signing-key-for-this-test-only-0123456789")
    assert cli.main(["token", "--role", "buyer", "--sub", "u1", "--agency", "a1"]) == 0
    value = capsys.readouterr().out.strip()
    claims = jwt.decode(value, "a-signing-key-for-this-test-only-0123456789", algorithms=["HS256"],
                        options={"verify_aud": False})
    assert (claims["role"], claims["sub"], claims["agency"]) == ("buyer", "u1", "a1")
