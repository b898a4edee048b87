"""The exclusion (debarment) list: one stream per entry, maintained by admins.

An entry's id derives from who is excluded and from when, so recording the same
debarment twice (a re-imported file) is refused as a duplicate instead of stored twice.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

import msgspec

from events.base import Event
from events.vendors import ExclusionRecorded
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Conflict, Forbidden, field_error
from services.vendors import validation as v
from services.vendors.matching import name_key, tax_key

_NINE_DIGITS = re.compile(r"^\d{9}$")


class Exclusion(msgspec.Struct, frozen=True, kw_only=True):
    exists: bool = False
    exclusion_id: str = ""
    entry: ExclusionRecorded | None = None


class RecordExclusion(msgspec.Struct, frozen=True, kw_only=True):
    exclusion_id: str
    name: str
    tax_id: str | None
    reason: str
    from_date: date
    to_date: date | None = None


def canonical_tax_id(tax_id: str | None) -> str | None:
    """``123456789`` and ``12-3456789`` both become ``12-3456789``; blank becomes ``None``."""
    if tax_id is None or not tax_id.strip():
        return None
    text = tax_id.strip()
    if _NINE_DIGITS.match(text):
        text = f"{text[:2]}-{text[2:]}"
    return v.check_tax_id(text)


def exclusion_id_for(name: str, tax_id: str | None, from_date: date) -> str:
    """Stable id of an entry: the same party excluded from the same day is one entry."""
    who = tax_key(tax_id) or name_key(name)
    return "ex_" + hashlib.sha256(f"{who}|{from_date.isoformat()}".encode()).hexdigest()[:20]


def check_exclusion(command: RecordExclusion) -> None:
    v.not_blank(command.name, "name")
    if not name_key(command.name):
        raise field_error("name", "must contain letters or digits")
    canonical_tax_id(command.tax_id)
    v.not_blank(command.reason, "reason")
    if command.to_date is not None and command.to_date < command.from_date:
        raise field_error("to_date", "must not be before from_date")


def decide(command: RecordExclusion, state: Exclusion, ctx: Context) -> list[Event]:
    if ctx.actor.role != "admin" and not ctx.actor.is_system:
        raise Forbidden("only an admin maintains the exclusion list")
    if state.exists:
        raise Conflict("this exclusion is already on the list", code="duplicate",
                       details={"exclusion_id": state.exclusion_id})
    check_exclusion(command)
    return [ExclusionRecorded(
        exclusion_id=command.exclusion_id, name=command.name.strip(), tax_id=canonical_tax_id(command.tax_id),
        reason=command.reason.strip(), from_date=command.from_date, to_date=command.to_date,
    )]


def evolve(state: Exclusion, event: Event) -> Exclusion:
    if isinstance(event, ExclusionRecorded):
        return Exclusion(exists=True, exclusion_id=event.exclusion_id, entry=event)
    return state


EXCLUSION = Decider(stream_prefix="exclusion", initial=Exclusion, decide=decide, evolve=evolve)
