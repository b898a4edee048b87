"""One demo run: the plan for a seed, told through the marketplace's routes along the
development clock, from two years ago to now."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from infra.settings import Settings
from infra.stripe_server import LOCAL_WEBHOOK_SECRET
from services.demo.api import Api
from services.demo.onboarding import agency_story, vendor_story
from services.demo.plan import SPAN, make_plan
from services.demo.procurement import solicitation_story
from services.demo.scale import Scale
from services.demo.stripe_outcomes import StripeOutcomes
from services.demo.summary import Summary
from services.demo.timeline import run_stories
from services.demo.world import World

log = logging.getLogger("civic.demo")


class AlreadyLoaded(Exception):
    """This seed's marketplace is already in the store."""


def stripe_outcomes(settings: Settings) -> StripeOutcomes | None:
    """Who posts Stripe's outcomes to the webhook, when the demo knows the Stripe account."""
    if not settings.stripe_api_key:
        return None
    return StripeOutcomes(settings.stripe_api_key, settings.stripe_api_base,
                          settings.stripe_webhook_secret or LOCAL_WEBHOOK_SECRET)


async def generate(api: Api, seed: int, scale: Scale, *, stripe: StripeOutcomes | None) -> Summary:
    """Build the demo marketplace for ``seed``; raises ``AlreadyLoaded`` when it exists."""
    started = time.monotonic()
    plan = make_plan(seed, scale)
    first = plan.agencies[0].agency_id
    if await api.exists(f"/agencies/{first}", api.admin):
        raise AlreadyLoaded(f"the demo marketplace of seed {seed} is already loaded (agency {first})")
    # Day 0 is a calendar day, so the same seed gives the same dates all day long.
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    world = World(api=api, plan=plan, day_zero=today - timedelta(days=SPAN), stripe=stripe)
    stories = [agency_story(world, a) for a in plan.agencies]
    stories += [vendor_story(world, v) for v in plan.vendors]
    stories += [solicitation_story(world, s) for s in plan.solicitations]
    await run_stories(api, world.day_zero, stories, last_day=SPAN)
    await api.set_clock(datetime.now(UTC))  # forward: the story's clock stopped at day SPAN
    return Summary.of(seed, (world.day_zero.date(), today.date()), world.tally, time.monotonic() - started)
