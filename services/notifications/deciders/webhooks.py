"""A webhook subscription: where an integrator wants which kinds of event delivered."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import msgspec

from events.base import Event
from events.notifications import WebhookDeleted, WebhookDisabled, WebhookSubscribed
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from services.notifications.commands import (
    DeleteSubscription,
    DisableSubscription,
    Subscribe,
    WebhookCommand,
)
from services.notifications.kinds import WEBHOOK_KINDS

#: who may subscribe: an agency's admin (its agency's events) or a vendor (its own)
SUBSCRIBER_ROLES = ("admin", "vendor")


class Webhook(msgspec.Struct, frozen=True, kw_only=True):
    exists: bool = False
    subscription_id: str = ""
    status: str = "active"  # "active" | "disabled" | "deleted"
    owner: str = ""
    agency: str | None = None
    vendor: str | None = None
    url: str = ""
    kinds: tuple[str, ...] = ()


def _check_url(url: str, allow_http: bool) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port out of range
    except ValueError:  # an unclosed IPv6 bracket, a port that is not a number
        raise field_error("url", "must be an absolute https URL") from None
    if parts.scheme not in ("https", "http") or not parts.hostname or any(c.isspace() for c in url):
        raise field_error("url", "must be an absolute https URL")
    if parts.scheme == "http" and not allow_http:
        raise field_error("url", "must use https", code="https_required")
    if parts.username or parts.password:
        raise field_error("url", "must not carry credentials")


def may_manage(state: Webhook, ctx: Context) -> bool:
    """The owner, or an admin of the same agency, manages a subscription."""
    actor = ctx.actor
    return actor.sub == state.owner or (
        actor.role == "admin" and (actor.agency is None or actor.agency == state.agency))


def decide(command: WebhookCommand, state: Webhook, ctx: Context) -> Sequence[Event]:
    actor = ctx.actor
    match command:
        case Subscribe():
            if state.exists:
                raise Conflict(f"subscription {command.subscription_id} exists")
            if actor.role not in SUBSCRIBER_ROLES:
                raise Forbidden("only an agency admin or a vendor subscribes to webhooks")
            if actor.role == "vendor" and not command.vendor:
                raise Forbidden("the token names no vendor", code="no_vendor")
            _check_url(command.url, command.allow_http)
            if not command.kinds:
                raise field_error("kinds", "name at least one kind of event")
            for i, kind in enumerate(command.kinds):
                if kind not in WEBHOOK_KINDS:
                    raise field_error(f"kinds[{i}]", "is not a kind of webhook event", code="unknown_kind")
            return [WebhookSubscribed(
                subscription_id=command.subscription_id, owner=actor.sub, role=actor.role,
                agency=actor.agency if actor.role == "admin" else None,
                vendor=command.vendor if actor.role == "vendor" else None,
                url=command.url, kinds=sorted(set(command.kinds)), subscribed_at=ctx.now)]
        case DeleteSubscription():
            if not state.exists or state.status == "deleted":
                raise NotFound("no such webhook subscription")
            if not may_manage(state, ctx):
                raise NotFound("no such webhook subscription")
            return [WebhookDeleted(subscription_id=state.subscription_id, deleted_at=ctx.now)]
        case DisableSubscription():
            if not state.exists or state.status != "active":
                return []
            return [WebhookDisabled(subscription_id=state.subscription_id, reason=command.reason,
                                    disabled_at=ctx.now)]
    raise Invalid(f"unknown command {type(command).__name__}")


def evolve(state: Webhook, event: Event) -> Webhook:
    match event:
        case WebhookSubscribed():
            return Webhook(exists=True, owner=event.owner, agency=event.agency, vendor=event.vendor,
                           url=event.url, kinds=tuple(event.kinds), subscription_id=event.subscription_id)
        case WebhookDeleted():
            return msgspec.structs.replace(state, status="deleted")
        case WebhookDisabled():
            return msgspec.structs.replace(state, status="disabled")
    return state


WEBHOOK = Decider(stream_prefix="webhook", initial=Webhook, decide=decide, evolve=evolve)
