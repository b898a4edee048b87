"""Who may read the spend report and the forecast.

The supplier-diversity report's rules: agency staff who buy or pay (buyer, finance) and
auditors of an agency read their agency's figures; admins and auditors without an agency
may read any agency's or all agencies' together. Vendors and the public get none of it: a
slice by vendor, category and month can single out one vendor's payments, so no slice is
offered to anyone outside the paying agency and oversight (published spending reaches the
public through the open-data export instead).
"""

from __future__ import annotations

from kernel.context import Actor
from kernel.errors import Forbidden

READERS = ("buyer", "finance", "auditor", "admin")
ALL_AGENCIES = ("admin", "auditor")


def report_agency(actor: Actor, requested: str | None) -> str | None:
    """The agency the report covers (``None``: all agencies), or ``Forbidden``."""
    if actor.role in ALL_AGENCIES and not (actor.role == "auditor" and actor.agency):
        return requested
    if actor.role not in READERS:
        raise Forbidden(f"role {actor.role} may not read spend reports", code="role_forbidden")
    if not actor.agency:
        raise Forbidden("the token names no agency")
    if requested is not None and requested != actor.agency:
        raise Forbidden("only your own agency's figures", code="other_agency")
    return actor.agency
