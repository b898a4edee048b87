"""HTTP for follows and notices: a vendor follows commodity codes and reads the notices
publishing produced for it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import Parameter

from infra.container import Civic
from infra.http.auth import requires
from infra.http.errors import error_responses
from kernel.context import Actor
from services.bids.queries import acting_vendor
from services.solicitations.follows import FOLLOWS, Follow, Unfollow
from services.solicitations.notices import notices_of

_Code = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9.\-]{2,20}$")]
VendorParam = Annotated[str | None, Parameter(query="vendor_id", required=False, max_length=64,
                                              description="the vendor you act for, when you act for several")]


class FollowIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    commodity_code: _Code
    vendor_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None


class FollowsOut(msgspec.Struct, frozen=True, kw_only=True):
    vendor_id: str
    commodity_codes: list[str]


class NoticeOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    #: "published" (a new solicitation), "addendum" (a change to acknowledge) or "cancelled"
    kind: str
    addendum_number: int | None
    vendor_id: str
    solicitation_id: str
    agency_id: str
    title: str
    solicitation_type: str
    matched_codes: list[str]
    submission_deadline: datetime
    published_at: datetime
    sent_at: datetime | None


class FollowController(Controller):
    path = "/follows"
    tags = ["solicitations"]
    guards = [requires("vendor")]

    @get(summary="Commodity codes you follow", responses=error_responses(401, 403, 422))
    async def list_follows(self, civic: Civic, actor: Actor, vendor_id: VendorParam = None) -> FollowsOut:
        vendor = await acting_vendor(civic.pool, actor, vendor_id)
        state, _ = await civic.executor.load(FOLLOWS, vendor)
        return FollowsOut(vendor_id=vendor, commodity_codes=sorted(state.codes))

    @post(summary="Follow a commodity code: publications with it become notices for you",
          responses=error_responses(401, 403, 422))
    async def follow(self, civic: Civic, actor: Actor, data: FollowIn) -> FollowsOut:
        vendor = await acting_vendor(civic.pool, actor, data.vendor_id)
        outcome = await civic.executor.execute(FOLLOWS, vendor, Follow(vendor_id=vendor,
                                               commodity_code=data.commodity_code), actor)
        return FollowsOut(vendor_id=vendor, commodity_codes=sorted(outcome.state.codes))

    @delete("/{commodity_code:str}", status_code=200, summary="Stop following a commodity code",
            responses=error_responses(401, 403, 404, 422))
    async def unfollow(self, civic: Civic, actor: Actor, commodity_code: str,
                       vendor_id: VendorParam = None) -> FollowsOut:
        vendor = await acting_vendor(civic.pool, actor, vendor_id)
        outcome = await civic.executor.execute(FOLLOWS, vendor, Unfollow(vendor_id=vendor,
                                               commodity_code=commodity_code), actor)
        return FollowsOut(vendor_id=vendor, commodity_codes=sorted(outcome.state.codes))


@get("/notices", tags=["solicitations"], guards=[requires("vendor")],
     summary="Notices of solicitations published with a commodity code you follow, and of addenda to and "
     "cancellations of them or of solicitations you bid on, newest first",
     responses=error_responses(401, 403, 422))
async def list_notices(
    civic: Civic, actor: Actor, vendor_id: VendorParam = None,
    limit: Annotated[int, Parameter(ge=1, le=200)] = 50, offset: Annotated[int, Parameter(ge=0)] = 0,
) -> list[NoticeOut]:
    vendor = await acting_vendor(civic.pool, actor, vendor_id)
    async with civic.pool.acquire() as conn:
        rows = await notices_of(conn, [vendor], limit, offset)
    return [NoticeOut(id=r["notice_id"], kind=r["kind"], addendum_number=r["addendum_number"], vendor_id=r["vendor_id"], solicitation_id=r["solicitation_id"],
                      agency_id=r["agency_id"], title=r["title"], solicitation_type=r["solicitation_type"],
                      matched_codes=list(r["matched_codes"]), submission_deadline=r["submission_deadline"],
                      published_at=r["published_at"], sent_at=r["sent_at"]) for r in rows]
