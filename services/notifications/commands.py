"""Commands (imperative) for notification preferences and webhook subscriptions."""

from __future__ import annotations

import msgspec


class SetPreferences(msgspec.Struct, frozen=True, kw_only=True):
    email: str | None
    language: str
    modes: dict[str, str]


class Unsubscribe(msgspec.Struct, frozen=True, kw_only=True):
    kind: str


class Subscribe(msgspec.Struct, frozen=True, kw_only=True):
    subscription_id: str
    url: str
    kinds: list[str]
    #: the vendor a vendor's user subscribes for (resolved at the edge)
    vendor: str | None = None
    #: plain http is accepted only in development
    allow_http: bool = False


class DeleteSubscription(msgspec.Struct, frozen=True, kw_only=True):
    pass


class DisableSubscription(msgspec.Struct, frozen=True, kw_only=True):
    reason: str


PreferencesCommand = SetPreferences | Unsubscribe
WebhookCommand = Subscribe | DeleteSubscription | DisableSubscription
