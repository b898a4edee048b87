"""Health, readiness and the development clock."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Response

from infra.clock import DevClock
from infra.container import Civic
from infra.http.auth import requires
from infra.http.errors import error_responses
from kernel.errors import Invalid, NotFound


class Health(msgspec.Struct):
    status: str


class Readiness(msgspec.Struct):
    status: str
    database: bool
    nats: bool


@get("/health", tags=["system"], summary="The process is alive")
async def health() -> Health:
    return Health(status="ok")


def _provide_civic(state: State) -> Civic:
    civic: Civic = state.civic
    return civic


#: the container itself, for the composition root's own routes only (readiness, dev clock)
_CONTAINER = {"civic": Provide(_provide_civic, sync_to_thread=False)}


@get("/ready", tags=["system"], summary="The database and NATS are reachable", dependencies=_CONTAINER,
     responses={503: ResponseSpec(data_container=Readiness, description="not ready",
                                  generate_examples=False)})
async def ready(civic: Civic) -> Response[Readiness]:
    database = nats = False
    try:
        await asyncio.wait_for(civic.pool.fetchval("SELECT 1"), 2)
        database = True
    except Exception:  # noqa: BLE001 - not ready is the answer
        pass
    if civic.nc is not None and civic.nc.is_connected:
        try:
            await asyncio.wait_for(civic.js.stream_info(civic.settings.stream_name), 2)
            nats = True
        except Exception:  # noqa: BLE001
            pass
    ok = database and nats
    return Response(
        Readiness(status="ready" if ok else "not_ready", database=database, nats=nats),
        status_code=200 if ok else 503,
    )


TEN_YEARS_S = 10 * 366 * 86400


class ClockChange(msgspec.Struct, forbid_unknown_fields=True):
    """Advance the clock by ``advance_seconds`` (0: only fire what is due), or set it to
    ``now``; either way only forward once the marketplace holds an event."""

    advance_seconds: Annotated[float, msgspec.Meta(ge=0, le=TEN_YEARS_S)] = 0
    now: datetime | None = None


class ClockState(msgspec.Struct):
    now: datetime
    timers_fired: int = 0


class DevClockController(Controller):
    """Only mounted with CIVIC_DEV_CLOCK=1."""

    path = "/dev/clock"
    tags = ["dev"]
    guards = [requires("admin")]
    dependencies = _CONTAINER

    @get(summary="Current time of the development clock", responses=error_responses(401, 403))
    async def read(self, civic: Civic) -> ClockState:
        await civic.clock.refresh()
        return ClockState(now=civic.clock.now())

    @post(summary="Set or advance the development clock (only forward); due timers fire before "
          "the answer", status_code=200, responses=error_responses(401, 403, 404, 422))
    async def change(self, civic: Civic, data: ClockChange, request: Request) -> ClockState:
        clock = civic.clock
        if not isinstance(clock, DevClock):
            raise NotFound("no development clock")
        if data.now is not None and not isinstance((await request.json()).get("now"), str):
            # a number would be read as seconds since 1970: the schema says RFC 3339 text
            raise Invalid("now: a date and time in RFC 3339, such as 2027-01-31T17:00:00Z", details=[
                {"field": "now", "message": "a date and time in RFC 3339, such as 2027-01-31T17:00:00Z"}])
        if data.advance_seconds and data.now is not None:
            raise Invalid("give one of advance_seconds or now", details=[
                {"field": "advance_seconds", "message": "one of advance_seconds, now"}])
        if data.now is not None and data.now.tzinfo is None:
            raise Invalid("now: needs a timezone", details=[{"field": "now", "message": "needs a timezone"}])
        now = await clock.set(now=data.now, advance_seconds=data.advance_seconds)
        fired = await civic.scheduler.fire_due() if civic.scheduler else 0
        return ClockState(now=now, timers_fired=fired)


def dev_routes(enabled: bool) -> list[Any]:
    return [DevClockController] if enabled else []
