"""What other contexts and read models may know of payments: whose money records a caller
sees (the payment audit trail scopes its views the same way)."""

from __future__ import annotations

from kernel.context import Actor


def agency_scope(actor: Actor) -> str | None:
    """The one agency whose records the caller sees, or ``None`` for all (admin, auditor)."""
    if actor.role in ("admin",) or (actor.role == "auditor" and not actor.agency):
        return None
    return actor.agency or ""  # staff without an agency see nothing
