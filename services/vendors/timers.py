"""Timer handlers: registration and certification expiry become events when their time comes."""

from __future__ import annotations

from collections.abc import Mapping

from infra.executor import Executor
from infra.scheduler import TimerHandler
from kernel.context import SYSTEM_ACTOR
from kernel.timers import Timer
from services.vendors.commands import ExpireCertification, ExpireRegistration
from services.vendors.deciders.vendor import CERTIFICATION_EXPIRY, REGISTRATION_EXPIRY, VENDOR


def _vendor_id(timer: Timer) -> str:
    return timer.stream_id.removeprefix(f"{VENDOR.stream_prefix}-")


def timer_handlers(executor: Executor) -> Mapping[str, TimerHandler]:
    async def expire_registration(timer: Timer) -> None:
        await executor.execute(VENDOR, _vendor_id(timer), ExpireRegistration(), SYSTEM_ACTOR,
                                     command_id=timer.timer_id)

    async def expire_certification(timer: Timer) -> None:
        await executor.execute(VENDOR, _vendor_id(timer),
                                     ExpireCertification(cert_id=str(timer.payload["cert_id"])),
                                     SYSTEM_ACTOR, command_id=timer.timer_id)

    return {REGISTRATION_EXPIRY: expire_registration, CERTIFICATION_EXPIRY: expire_certification}
