"""Follows: the commodity codes a vendor wants to hear about. One stream per vendor."""

from __future__ import annotations

import msgspec

from events.base import Event
from events.solicitations import CommodityFollowed, CommodityUnfollowed
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Forbidden, NotFound


class Follow(msgspec.Struct, frozen=True, kw_only=True):
    vendor_id: str
    commodity_code: str


class Unfollow(msgspec.Struct, frozen=True, kw_only=True):
    vendor_id: str
    commodity_code: str


class Follows(msgspec.Struct, frozen=True, kw_only=True):
    codes: frozenset[str] = frozenset()


def decide(command: Follow | Unfollow, state: Follows, ctx: Context) -> list[Event]:
    if ctx.actor.role != "vendor":
        raise Forbidden("only vendors follow commodity codes")
    match command:
        case Follow():
            if command.commodity_code in state.codes:
                return []
            return [CommodityFollowed(vendor_id=command.vendor_id, commodity_code=command.commodity_code,
                                      followed_by=ctx.actor.sub)]
        case Unfollow():
            if command.commodity_code not in state.codes:
                raise NotFound(f"you do not follow {command.commodity_code}")
            return [CommodityUnfollowed(vendor_id=command.vendor_id, commodity_code=command.commodity_code)]
    raise TypeError(f"unknown command {command!r}")


def evolve(state: Follows, event: Event) -> Follows:
    match event:
        case CommodityFollowed():
            return Follows(codes=state.codes | {event.commodity_code})
        case CommodityUnfollowed():
            return Follows(codes=state.codes - {event.commodity_code})
    return state


FOLLOWS = Decider(stream_prefix="follows", initial=Follows, decide=decide, evolve=evolve)
