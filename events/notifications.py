"""Notification events: what each user chose to receive, and webhook subscriptions.

A webhook's signing secret is never in an event (events are kept for ever and replayed
to read models); it lives in the notifications context's own table.
"""

from __future__ import annotations

from datetime import datetime

from events.base import Event


class NotificationPreferencesSet(Event, frozen=True, kw_only=True,
                                 tag="notifications.NotificationPreferencesSet.v1"):
    """``modes``: notice kind -> "instant" | "digest" | "off" (kinds not named: instant)."""

    sub: str
    role: str
    agency: str | None = None
    vendor: str | None = None
    email: str | None = None
    language: str = "en"
    modes: dict[str, str] = {}
    set_at: datetime | None = None


class NotificationUnsubscribed(Event, frozen=True, kw_only=True,
                               tag="notifications.NotificationUnsubscribed.v1"):
    """One-click unsubscribe from one kind of notice (from the link in a mail)."""

    sub: str
    kind: str
    unsubscribed_at: datetime | None = None


class WebhookSubscribed(Event, frozen=True, kw_only=True, tag="notifications.WebhookSubscribed.v1"):
    subscription_id: str
    owner: str
    role: str
    agency: str | None = None
    vendor: str | None = None
    url: str
    kinds: list[str]
    subscribed_at: datetime


class WebhookDeleted(Event, frozen=True, kw_only=True, tag="notifications.WebhookDeleted.v1"):
    subscription_id: str
    deleted_at: datetime | None = None


class WebhookDisabled(Event, frozen=True, kw_only=True, tag="notifications.WebhookDisabled.v1"):
    """Deliveries kept failing past the retry horizon: the subscription stops."""

    subscription_id: str
    reason: str
    disabled_at: datetime | None = None


NotificationEvent = (NotificationPreferencesSet | NotificationUnsubscribed | WebhookSubscribed
                     | WebhookDeleted | WebhookDisabled)
