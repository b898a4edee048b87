"""Request and response bodies of the notifications API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

_Kind = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class PreferencesIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    #: where mail goes; a vendor's owner without one is written to at the vendor's first contact
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=320)] | None = None
    language: Annotated[str, msgspec.Meta(min_length=2, max_length=8)] = "en"
    #: notice kind -> "instant" | "digest" | "off"; kinds not named are instant
    modes: Annotated[dict[_Kind, Annotated[str, msgspec.Meta(max_length=16)]], msgspec.Meta(max_length=40)] = {}


class PreferencesOut(msgspec.Struct, frozen=True, kw_only=True):
    email: str | None
    language: str
    #: every kind of notice with its mode
    modes: dict[str, str]
    #: kinds a bidder always receives at once (legal notices, bid receipts)
    always_sent: list[str]
    #: addenda to solicitations you bid on, award and protest decisions: sent whatever the mode
    legal_notice: str = "notices a bidder must receive are sent whatever the mode"


class UnsubscribeOut(msgspec.Struct, frozen=True, kw_only=True):
    #: the kind of notice the link stops, or "digest": every kind held for the daily digest
    kind: str
    unsubscribed: bool


class SubscriptionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    url: Annotated[str, msgspec.Meta(min_length=8, max_length=2000)]
    kinds: Annotated[list[_Kind], msgspec.Meta(min_length=1, max_length=40)]
    #: the vendor you subscribe for, when you act for several
    vendor_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None


class SubscriptionOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    url: str
    kinds: list[str]
    status: str
    created_at: datetime | None = None
    #: the signing secret: shown once, in the answer to the subscription
    secret: str | None = None


class DeliveryOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    event_id: str
    kind: str
    occurred_at: datetime
    status: str
    attempts: int
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None
    next_attempt_at: datetime | None
    replay_of: str | None


class ReplayIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Either one delivery, or every delivery of events that occurred in [since, until)."""

    delivery_id: Annotated[str, msgspec.Meta(min_length=1, max_length=300)] | None = None
    #: events that occurred at or after this time (with a time zone)
    since: Annotated[datetime, msgspec.Meta(tz=True)] | None = None
    #: and before this one
    until: Annotated[datetime, msgspec.Meta(tz=True)] | None = None


class ReplayOut(msgspec.Struct, frozen=True, kw_only=True):
    replayed: int
    delivery_ids: list[str]
