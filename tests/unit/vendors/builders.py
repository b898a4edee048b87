"""Commands and contexts for the vendor decider tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from events.vendors import Address, Contact
from kernel.context import SYSTEM_ACTOR, Actor, Context
from services.vendors.commands import AddCertification, Locality, RegisterVendor

NOW = datetime(2030, 6, 1, 9, tzinfo=UTC)
OWNER = Context(now=NOW, actor=Actor(sub="owner-1", role="vendor"))
COLLEAGUE = Context(now=NOW, actor=Actor(sub="colleague-1", role="vendor"))
STRANGER = Context(now=NOW, actor=Actor(sub="other-vendor", role="vendor"))
ADMIN = Context(now=NOW, actor=Actor(sub="admin-1", role="admin"))
BUYER = Context(now=NOW, actor=Actor(sub="buyer-1", role="buyer", agency="ag1"))
SYSTEM = Context(now=NOW, actor=SYSTEM_ACTOR)
ADDRESS = Address(line1="100 Market St", city="Springfield", state="IL", zip="62701")


def at(ctx: Context, when: datetime) -> Context:
    return Context(now=when, actor=ctx.actor)


def register(**overrides: Any) -> RegisterVendor:
    fields: dict[str, Any] = {
        "vendor_id": "v1", "legal_name": "Prairie Supply LLC", "dba": "Prairie", "tax_id": "12-3456789",
        "address": ADDRESS, "contacts": [Contact(name="Ana Ruiz", email="ana@example.com")],
        "employees": 14, "revenue_band": "1m_5m", "commodity_codes": ["91500"],
        "local_agencies": [], "localities": {"ag1": Locality(agency_id="ag1", state="IL")},
    }
    return RegisterVendor(**(fields | overrides))


def certification(**overrides: Any) -> AddCertification:
    fields: dict[str, Any] = {
        "cert_id": "c1", "program": "WBE", "issuing_body": "State of Illinois", "number": "WBE-1001",
        "effective_date": date(2030, 1, 1), "expiry_date": date(2030, 12, 31),
    }
    return AddCertification(**(fields | overrides))
