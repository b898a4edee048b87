"""``forget``: destroy a person's key once records retention allows it, then rebuild the
read models that may hold a clear copy, so their data reads as removed everywhere."""

from __future__ import annotations

import logging
from typing import Any

import msgspec

from events.registry import event_types
from infra import personal
from kernel.errors import Conflict, Invalid, NotFound
from services.contracts.facts import vendor_contracts
from services.payments.facts import vendor_payments
from services.privacy.rules import HolderRecords, Retention, retention
from services.privacy.settings import SETTINGS

log = logging.getLogger("civic.privacy")
KINDS = ("contact", "user", "vendor", "exclusion")


class ForgetOutcome(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    key_ids: list[str]
    retention: Retention
    rebuilt: list[str]


def subject_for(person: str) -> str:
    """``contact:alice@example.org``, ``user:<token subject>``, ``vendor:<id>`` (its tax id),
    ``exclusion:<id>``; a bare email address means a contact."""
    kind, sep, name = person.partition(":")
    if not sep and "@" in person:
        kind, name = "contact", person
    if kind not in KINDS or not name.strip():
        raise Invalid(f"name a person as <kind>:<name>, kind one of {', '.join(KINDS)}", code="invalid_person")
    return personal.subject_of(kind, name)


async def holder_records(pool: Any, vendor_id: str) -> HolderRecords:
    contracts = await vendor_contracts(pool, vendor_id)
    payments = await vendor_payments(pool, vendor_id)
    return HolderRecords(vendor_id=vendor_id, open_contracts=contracts.open,
                         unpaid_invoices=payments.unpaid_invoices, last_paid_at=payments.last_paid_at)


def projections_with_personal_data(civic: Any) -> list[str]:
    """The projections that read an event holding personal data (or every event)."""
    tags = {tag for tag, cls in event_types().items() if cls.PERSONAL}
    return [p.name for p in civic.projections() if p.types is None or tags & set(p.types)]


async def forget(civic: Any, person: str, *, rebuild: bool = True, dry_run: bool = False,
                 years: int | None = None) -> ForgetOutcome:
    """Raises ``NotFound`` when no data of that person is held, ``Conflict`` (code
    ``retention``) while records retention still needs it."""
    subject = subject_for(person)
    holders = await civic.store.personal_keys.holders_of(subject)
    if holders is None:
        raise NotFound("no personal data of that person is held (or it was forgotten already)")
    await civic.clock.refresh()
    records = [await holder_records(civic.pool, v) for v in holders]
    decision = retention(records, civic.clock.now(),
                         SETTINGS.retention_years_after_final_payment if years is None else years)
    kind = subject.partition(":")[0]
    if not decision.allowed:
        raise Conflict(decision.reason, code="retention",
                       details={"not_before": decision.not_before.isoformat() if decision.not_before else None})
    if dry_run:
        return ForgetOutcome(kind=kind, key_ids=[], retention=decision, rebuilt=[])
    forgotten = await civic.store.personal_keys.destroy(subject)
    assert forgotten is not None
    # the name itself is never logged: the log would remember what the key forgot
    log.info("forgot the personal data of a %s (key %s)", kind, ", ".join(forgotten.key_ids))
    for component in civic.components:  # what contexts keep outside the event store
        if component.forget is not None:
            await component.forget(civic, subject)
    rebuilt = []
    if rebuild:
        for name in projections_with_personal_data(civic):
            await civic.runner_for(name).rebuild()
            rebuilt.append(name)
    return ForgetOutcome(kind=kind, key_ids=forgotten.key_ids, retention=decision, rebuilt=rebuilt)



