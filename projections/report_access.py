"""Which agency a report covers for the one asking: the rule the agency reports share.

Agency staff who buy or pay (buyer, finance) and auditors of an agency read their agency's
figures; admins and auditors without an agency may read any agency's or all agencies'
together. Vendors and the public get none of it.
"""

from __future__ import annotations

from kernel.context import Actor
from kernel.errors import Forbidden

READERS = ("buyer", "finance", "auditor", "admin")
ALL_AGENCIES = ("admin", "auditor")


def covered_agency(actor: Actor, requested: str | None, *, reports: str, own: str,
                   agency_auditors_scoped: bool = True) -> str | None:
    """The agency the report covers (``None``: all agencies), or ``Forbidden``.

    ``reports`` and ``own`` name the report in the refusals ("role x may not read {reports}",
    "only your own agency's {own}"); without ``agency_auditors_scoped`` an auditor of an agency
    reads any agency, as an auditor without one does."""
    if actor.role in ALL_AGENCIES and not (agency_auditors_scoped and actor.role == "auditor" and actor.agency):
        return requested
    if actor.role not in READERS:
        raise Forbidden(f"role {actor.role} may not read {reports}", code="role_forbidden")
    if not actor.agency:
        raise Forbidden("the token names no agency")
    if requested is not None and requested != actor.agency:
        raise Forbidden(f"only your own agency's {own}", code="other_agency")
    return actor.agency
