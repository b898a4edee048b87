"""Who may attach and read which documents, and when. Pure."""

from __future__ import annotations

from datetime import datetime

from kernel.context import Actor
from kernel.errors import Conflict, Forbidden, NotFound, field_error
from services.documents.commands import Parent, Standing

PARENT_TYPES = ("solicitation", "bid", "vendor", "contract", "invoice", "protest")

#: the kinds of document each parent takes ("other" everywhere)
KINDS: dict[str, tuple[str, ...]] = {
    "solicitation": ("rfp", "specification", "addendum", "answer", "form", "other"),
    "bid": ("technical_proposal", "price_sheet", "form", "other"),
    "vendor": ("registration", "certification_evidence", "w9", "insurance_certificate", "other"),
    "contract": ("signed_contract", "amendment", "other"),
    "invoice": ("invoice", "supporting", "other"),
    "protest": ("protest_letter", "response", "decision", "other"),
}

#: the form fields that name a part of a parent, by parent: an addendum or an answered
#: question of a solicitation, an amendment of a contract, a certification of a vendor
PARTS: dict[str, tuple[str, ...]] = {
    "solicitation": ("addendum", "question"),
    "contract": ("amendment",),
    "vendor": ("certification",),
}

_OVERSIGHT = ("admin", "auditor")
_CLOSED_SOLICITATION = ("cancelled", "awarded", "unsuccessful")


def _agency_role(actor: Actor | None, parent: Parent, *roles: str) -> bool:
    return actor is not None and actor.role in roles and actor.agency == parent.agency_id


def may_read(actor: Actor | None, standing: Standing, parent: Parent) -> bool:
    """Whether the caller may read the documents attached to ``parent`` (a sealed bid's
    only by its vendor until the opening, and only by its vendor once withdrawn)."""
    if standing.vendor_user:
        return True
    oversight = actor is not None and actor.role in _OVERSIGHT
    match parent.type:
        case "solicitation":
            return parent.public or oversight or _agency_role(actor, parent, "buyer")
        case "bid":
            if parent.status == "withdrawn" or not parent.opened:
                return False
            return oversight or _agency_role(actor, parent, "buyer") or (
                _agency_role(actor, parent, "evaluator") and standing.cleared_evaluator)
        case "vendor":
            return oversight
        case "contract" | "invoice":
            return oversight or _agency_role(actor, parent, "buyer", "finance")
        case "protest":
            return oversight or _agency_role(actor, parent, "buyer")
    return False


def may_download(actor: Actor | None, scan: str, uploaded_by: str) -> bool:
    """An infected document is given to nobody but its uploader."""
    return scan != "infected" or (actor is not None and actor.sub == uploaded_by)


def check_attach(actor: Actor, standing: Standing, parent: Parent, now: datetime) -> None:
    """Raise unless the caller may attach a document to ``parent`` now."""
    if not may_read(actor, standing, parent) and not _may_write(actor, standing, parent):
        raise NotFound(f"{parent.type} {parent.id} not found")
    if not _may_write(actor, standing, parent):
        raise Forbidden(f"you may not attach documents to this {parent.type}", code="not_a_party")
    match parent.type:
        case "solicitation" if parent.status in _CLOSED_SOLICITATION:
            raise Conflict(f"the solicitation is {parent.status}; it takes no more documents",
                           code=parent.status)
        case "bid":
            if parent.status == "withdrawn":
                raise Conflict("the bid was withdrawn; it takes no more documents", code="withdrawn")
            if parent.accepts_until is None or now >= parent.accepts_until or parent.status != "active" \
                    or parent.opened:
                raise Conflict("the submission deadline has passed; the bid takes no more documents",
                               code="deadline_passed")


def _may_write(actor: Actor, standing: Standing, parent: Parent) -> bool:
    match parent.type:
        case "solicitation":
            return _agency_role(actor, parent, "buyer")
        case "bid" | "vendor" | "invoice":
            return standing.vendor_user
        case "contract" | "protest":
            return standing.vendor_user or _agency_role(actor, parent, "buyer")
    return False


def check_part(parent: Parent, part: str | None) -> None:
    """A named part must be one of the parent's (422 naming the field otherwise)."""
    if part is None:
        return
    field, _, ref = part.partition(":")
    if field not in PARTS.get(parent.type, ()):
        raise field_error(field, f"a {parent.type} has no {field}s")
    if part not in parent.parts:
        raise field_error(field, f"the {parent.type} has no {field} {ref}")


def check_kind(parent_type: str, kind: str) -> None:
    kinds = KINDS.get(parent_type, ("other",))
    if kind not in kinds:
        raise field_error("kind", f"a {parent_type} takes documents of kind {', '.join(kinds)}")
