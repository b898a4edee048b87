"""HTTP for notification preferences, one-click unsubscribe and webhook subscriptions."""

from __future__ import annotations

import secrets
import uuid
from typing import Annotated, Any

from asyncpg import Pool
from litestar import Controller, delete, get, post, put
from litestar.params import Parameter

from infra.clock import Clock
from infra.executor import Executor
from infra.http.auth import requires
from infra.http.common import IdempotencyKey, id_for_command, scoped_command_id
from infra.http.errors import error_responses
from infra.settings import Settings
from kernel.context import SYSTEM, Actor, Context
from kernel.errors import Forbidden, NotFound, field_error
from services.notifications.commands import (
    DeleteSubscription,
    SetPreferences,
    Subscribe,
    Unsubscribe,
)
from services.notifications.deciders.preferences import PREFERENCES, Preferences
from services.notifications.deciders.webhooks import SUBSCRIBER_ROLES, WEBHOOK, may_manage
from services.notifications.kinds import ALWAYS_SENT, NOTICE_KINDS
from services.notifications.schemas import (
    DeliveryOut,
    PreferencesIn,
    PreferencesOut,
    ReplayIn,
    ReplayOut,
    SubscriptionIn,
    SubscriptionOut,
    UnsubscribeOut,
)
from services.notifications.settings import NotificationSettings
from services.notifications.tokens import read_unsubscribe_token

ANY_ROLE = ("vendor", "buyer", "evaluator", "finance", "auditor", "admin")


def _preferences_out(state: Preferences) -> PreferencesOut:
    return PreferencesOut(email=state.email, language=state.language,
                          modes={k: state.mode(k) for k in NOTICE_KINDS}, always_sent=sorted(ALWAYS_SENT))


class PreferencesController(Controller):
    path = "/me/notification-preferences"
    tags = ["notifications"]
    guards = [requires(*ANY_ROLE)]

    @get(summary="Your notification preferences", responses=error_responses(401, 403))
    async def read(self, executor: Executor, pool: Pool, clock: Clock, settings: Settings, actor: Actor) -> PreferencesOut:
        state, _ = await executor.load(PREFERENCES, actor.sub)
        return _preferences_out(state)

    @put(summary="Set your address, language and a mode (instant, digest, off) per kind of notice",
         responses=error_responses(401, 403, 409, 422))
    async def set(self, executor: Executor, pool: Pool, clock: Clock, settings: Settings, actor: Actor, data: PreferencesIn,
                  idempotency_key: IdempotencyKey = None) -> PreferencesOut:
        command = SetPreferences(email=data.email, language=data.language, modes=dict(data.modes))
        outcome = await executor.execute(
            PREFERENCES, actor.sub, command, actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "notifications.preferences"))
        return _preferences_out(outcome.state)


Token = Annotated[str, Parameter(max_length=600)]


class UnsubscribeController(Controller):
    """The link in every mail that can be switched off. GET only says what the link does
    (mail scanners follow links); POST unsubscribes — one click (RFC 8058)."""

    path = "/unsubscribe/{token:str}"
    tags = ["notifications"]

    @get(summary="What this unsubscribe link stops", responses=error_responses(404, 422))
    async def show(self, executor: Executor, pool: Pool, clock: Clock, settings: Settings, token: Token) -> UnsubscribeOut:
        sub, kind = read_unsubscribe_token(settings, token)
        state, _ = await executor.load(PREFERENCES, sub)
        return UnsubscribeOut(kind=kind, unsubscribed=state.unsubscribed(kind))

    @post(summary="Unsubscribe from one kind of notice (List-Unsubscribe-Post one-click)",
          status_code=200, responses=error_responses(404, 422))
    async def unsubscribe(self, executor: Executor, pool: Pool, clock: Clock, settings: Settings, token: Token) -> UnsubscribeOut:
        sub, kind = read_unsubscribe_token(settings, token)
        # Unsubscribing twice decides nothing the second time: no command id needed.
        await executor.execute(PREFERENCES, sub, Unsubscribe(kind=kind), Actor(sub=sub, role=SYSTEM))
        return UnsubscribeOut(kind=kind, unsubscribed=True)


async def _managed(executor: Executor, clock: Clock, actor: Actor, subscription_id: str) -> None:
    state, _ = await executor.load(WEBHOOK, subscription_id)
    if not state.exists or state.status == "deleted" or not may_manage(
            state, Context(now=clock.now(), actor=actor)):
        raise NotFound(f"webhook subscription {subscription_id} not found")


async def _acting_vendor(pool: Pool, actor: Actor, requested: str | None) -> str | None:
    """The vendor a vendor's user subscribes for: the one named, or its only one."""
    mine = [r["vendor_id"] for r in await pool.fetch(
        "SELECT vendor_id FROM notify_vendor_users WHERE sub = $1 ORDER BY vendor_id", actor.sub)]
    if requested is not None:
        if requested not in mine:
            raise Forbidden(f"you do not act for vendor {requested}", code="not_vendor_user")
        return requested
    if len(mine) > 1:
        raise field_error("vendor_id", f"you act for several vendors ({', '.join(mine)}); name one")
    return mine[0] if mine else None


def _subscription_out(row: Any) -> SubscriptionOut:
    return SubscriptionOut(id=row["subscription_id"], url=row["url"], kinds=list(row["kinds"]),
                           status=row["status"], created_at=row["created_at"])


class WebhookController(Controller):
    path = "/webhook-subscriptions"
    tags = ["notifications"]
    guards = [requires(*SUBSCRIBER_ROLES)]

    @post(summary="Subscribe a URL to kinds of event; the signing secret is shown once",
          status_code=201, responses=error_responses(401, 403, 409, 422))
    async def subscribe(self, executor: Executor, pool: Pool, clock: Clock, settings: Settings, actor: Actor, data: SubscriptionIn,
                        idempotency_key: IdempotencyKey = None) -> SubscriptionOut:
        command_id = scoped_command_id(idempotency_key, actor.sub, "notifications.subscribe")
        subscription_id = id_for_command("wh", command_id)
        vendor = await _acting_vendor(pool, actor, data.vendor_id) if actor.role == "vendor" else None
        command = Subscribe(subscription_id=subscription_id, url=data.url, kinds=list(data.kinds), vendor=vendor,
                            allow_http=NotificationSettings.of(settings).allow_http_webhooks)
        secret: str | None = "whsec_" + secrets.token_urlsafe(32)
        async with pool.acquire() as conn, conn.transaction():
            outcome = await executor.execute(WEBHOOK, subscription_id, command, actor,
                                                   command_id=command_id, conn=conn)
            if outcome.duplicate:
                secret = None  # shown once: a repeated request does not show it again
            else:
                await conn.execute("INSERT INTO notify_webhook_secrets (subscription_id, secret) VALUES ($1, $2)",
                                   subscription_id, secret)
        state = outcome.state
        return SubscriptionOut(id=subscription_id, url=state.url, kinds=list(state.kinds), status=state.status,
                               secret=secret)

    @get(summary="Your webhook subscriptions", responses=error_responses(401, 403))
    async def list_subscriptions(self, executor: Executor, pool: Pool, clock: Clock, settings: Settings, actor: Actor) -> list[SubscriptionOut]:
        rows = await pool.fetch(
            "SELECT * FROM notify_webhooks WHERE status <> 'deleted' AND (owner = $1"
            " OR ($2 = 'admin' AND role = 'admin' AND ($3::text IS NULL OR agency = $3)))"
            " ORDER BY created_at, subscription_id", actor.sub, actor.role, actor.agency)
        return [_subscription_out(r) for r in rows]

    @delete("/{subscription_id:str}", summary="Stop a webhook subscription", status_code=200,
            responses=error_responses(401, 403, 404, 422))
    async def remove(self, executor: Executor, pool: Pool, clock: Clock, settings: Settings, actor: Actor, subscription_id: Annotated[str, Parameter(max_length=64)]
                     ) -> SubscriptionOut:
        outcome = await executor.execute(WEBHOOK, subscription_id, DeleteSubscription(), actor)
        state = outcome.state
        return SubscriptionOut(id=subscription_id, url=state.url, kinds=list(state.kinds), status=state.status)

    @get("/{subscription_id:str}/deliveries", summary="The delivery log of a subscription",
         responses=error_responses(401, 403, 404, 422))
    async def deliveries(self, executor: Executor, pool: Pool, clock: Clock, settings: Settings, actor: Actor,
                         subscription_id: Annotated[str, Parameter(max_length=64)],
                         limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
                         offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0) -> list[DeliveryOut]:
        await _managed(executor, clock, actor, subscription_id)
        rows = await pool.fetch(
            "SELECT * FROM notify_deliveries WHERE subscription_id = $1 ORDER BY seq LIMIT $2 OFFSET $3",
            subscription_id, limit, offset)
        return [DeliveryOut(id=r["delivery_id"], event_id=r["event_id"], kind=r["kind"],
                            occurred_at=r["occurred_at"], status=r["status"], attempts=r["attempts"],
                            last_status=r["last_status"], last_error=r["last_error"],
                            delivered_at=r["delivered_at"],
                            next_attempt_at=r["next_attempt_at"] if r["status"] == "pending" else None,
                            replay_of=r["replay_of"]) for r in rows]

    @post("/{subscription_id:str}/replay", summary="Deliver one delivery, or a time range, again",
          status_code=202, responses=error_responses(401, 403, 404, 422))
    async def replay(self, executor: Executor, pool: Pool, clock: Clock, settings: Settings, actor: Actor, subscription_id: Annotated[str, Parameter(max_length=64)],
                     data: ReplayIn) -> ReplayOut:
        await _managed(executor, clock, actor, subscription_id)
        if (data.delivery_id is None) == (data.since is None):
            raise field_error("delivery_id", "name either a delivery_id or a since/until range")
        if data.since is not None and data.until is not None and data.until <= data.since:
            raise field_error("until", "must be after since")
        batch = uuid.uuid4().hex[:12]
        rows = await pool.fetch(
            "INSERT INTO notify_deliveries (delivery_id, subscription_id, stream_id, event_id, kind, occurred_at,"
            " body, next_attempt_at, replay_of)"
            " SELECT event_id || ':' || subscription_id || ':replay:' || $5, subscription_id, stream_id, event_id,"
            " kind, occurred_at, body, $6, delivery_id FROM notify_deliveries"
            " WHERE subscription_id = $1 AND replay_of IS NULL AND ($2::text IS NULL OR delivery_id = $2)"
            " AND ($3::timestamptz IS NULL OR occurred_at >= $3) AND ($4::timestamptz IS NULL OR occurred_at < $4)"
            " ORDER BY seq RETURNING delivery_id",
            subscription_id, data.delivery_id, data.since, data.until, batch, clock.now())
        if data.delivery_id is not None and not rows:
            raise NotFound(f"delivery {data.delivery_id} not found")
        return ReplayOut(replayed=len(rows), delivery_ids=[r["delivery_id"] for r in rows])

