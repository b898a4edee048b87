"""Solicitation events -> planning and tender changes.

Nothing of a draft is public: the draft is kept until the solicitation is published,
and the first release carries planning and tender together. Bids are never read here;
the tenderers and their number become public only with the opening.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from events import awards as awards_events
from events import solicitations as solicitations_events
from events.base import Event
from events.documents import DocumentAttached
from events.solicitations import (
    AddendumPublished,
    QuestionAnswered,
    SolicitationAwarded,
    SolicitationCancelled,
    SolicitationCreated,
    SolicitationOpened,
    SolicitationPublished,
    SolicitationUpdated,
)
from projections.ocds.process import Change, Process, Refs
from projections.ocds.values import timestamp, value

#: procurement method -> the ``method`` codelist (the marketplace uses the same words)
METHODS = {"open": "open", "selective": "selective", "limited": "limited", "direct": "direct"}
TYPE_NAMES = {
    "RFI": "request for information",
    "RFQ": "request for quotations",
    "RFP": "request for proposals",
    "ITB": "invitation to bid",
}
# Commodity codes are NIGP class-item codes (5 digits) unless they have the length of
# another scheme's codes.
_SCHEMES_BY_LENGTH = {5: "NIGP", 6: "NAICS", 8: "UNSPSC"}
# First two digits of UNSPSC segments and NAICS sectors that are works or services.
_UNSPSC_WORKS = {"72"}
_NAICS_WORKS = {"23"}
_NAICS_GOODS = {"31", "32", "33", "42", "44", "45"}
# NIGP classes 900-999 are services, among them 912-914 construction (works).
_NIGP_WORKS = range(912, 915)

DRAFT_EVENTS: tuple[type[Event], ...] = (SolicitationCreated, SolicitationUpdated)


def scheme_of(code: str) -> str | None:
    digits = code.replace("-", "")
    return _SCHEMES_BY_LENGTH.get(len(digits)) if digits.isdigit() else None


def category_of(code: str) -> str:
    """The procurementCategory a commodity code falls in."""
    digits = code.replace("-", "")
    match scheme_of(code):
        case "UNSPSC":
            return (
                "works"
                if digits[:2] in _UNSPSC_WORKS
                else ("services" if int(digits[:2]) >= 70 else "goods")
            )
        case "NAICS":
            return (
                "works"
                if digits[:2] in _NAICS_WORKS
                else ("goods" if digits[:2] in _NAICS_GOODS else "services")
            )
        case "NIGP":
            klass = int(digits[:3])
            return "works" if klass in _NIGP_WORKS else ("services" if klass >= 900 else "goods")
    return "goods"


def main_category(codes: list[str]) -> str:
    """The category most of the solicitation's codes fall in (the first on a tie)."""
    counts: dict[str, int] = {}
    for code in codes:
        counts[category_of(code)] = counts.get(category_of(code), 0) + 1
    return max(counts, key=counts.__getitem__) if counts else "goods"


def items(codes: list[str], title: str) -> list[dict[str, Any]]:
    found = []
    for i, code in enumerate(codes, start=1):
        item: dict[str, Any] = {"id": str(i), "description": title}
        scheme = scheme_of(code)
        item["classification"] = {"scheme": scheme, "id": code} if scheme else {"id": code}
        found.append(item)
    return found


def _is_web_address(url: str | None) -> bool:
    """Only absolute http(s) addresses are published as links (``url`` is a URI in OCDS)."""
    if not url or any(c.isspace() for c in url):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def documents(docs: list[dict[str, Any]], prefix: str, published: str) -> list[dict[str, Any]]:
    found = []
    for i, doc in enumerate(docs, start=1):
        entry: dict[str, Any] = {
            "id": f"{prefix}-{i}",
            "documentType": "biddingDocuments",
            "title": doc["name"],
            "format": doc.get("media_type"),
            "datePublished": published,
        }
        if _is_web_address(doc.get("url")):
            entry["url"] = doc["url"]
        found.append({k: v for k, v in entry.items() if v is not None})
    return found


def award_criteria(criteria: list[dict[str, Any]]) -> tuple[str, str | None]:
    if not criteria or all(c.get("is_price") for c in criteria):
        return "priceOnly", None
    details = "; ".join(f"{c['name']} {c['weight']}%" for c in criteria)
    return "ratedCriteria", details


def _published(data: dict[str, Any], process: Process, when: str, refs: Refs) -> Change:
    content = {**process.draft, **{k: v for k, v in data.items() if v not in (None, "", [])}}
    sid, agency = process.solicitation_id, content["agency_id"]
    process.agency_id, process.published, process.tender_status = agency, True, "active"
    started = timestamp(content["published_at"])
    criteria, criteria_details = award_criteria(content.get("criteria", []))
    estimate = value(content["estimated_value"]) if content.get("estimated_value") else None
    kind = content.get("solicitation_type", "")
    tender: dict[str, Any] = {
        "id": sid,
        "title": content.get("title"),
        "description": content.get("description") or None,
        "status": "active",
        "procuringEntity": refs(agency),
        "items": items(content.get("commodity_codes", []), content.get("title", "")),
        "value": estimate,
        "procurementMethod": METHODS.get(content.get("method", "")),
        "procurementMethodDetails": f"{kind} ({TYPE_NAMES[kind]})" if kind in TYPE_NAMES else None,
        "mainProcurementCategory": main_category(content.get("commodity_codes", [])),
        "awardCriteria": criteria,
        "awardCriteriaDetails": criteria_details,
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {
            "startDate": started,
            "endDate": timestamp(content["submission_deadline"]),
        },
        "hasEnquiries": False,
        "documents": [*documents(content.get("documents", []), "document", started),
                      *(_uploaded(d, started) for d in process.draft.get("uploads", []))],
    }
    if content.get("questions_deadline"):
        tender["enquiryPeriod"] = {
            "startDate": started,
            "endDate": timestamp(content["questions_deadline"]),
        }
    planning: dict[str, Any] = {"rationale": content.get("description") or content.get("title")}
    if estimate:
        planning["budget"] = {
            "id": f"{sid}-estimate",
            "description": "Estimated value",
            "amount": estimate,
        }
    tender = {k: v for k, v in tender.items() if v not in (None, [])}
    return Change(
        ["planning", "tender"],
        {"buyer": refs(agency), "planning": planning, "tender": tender},
        [(agency, "buyer"), (agency, "procuringEntity")],
    )


def _addendum(data: dict[str, Any], process: Process, when: str) -> Change:
    published = timestamp(data.get("published_at") or when)
    tender: dict[str, Any] = {
        "id": process.solicitation_id,
        "tenderPeriod": {"endDate": timestamp(data["submission_deadline"])},
        "amendments": [
            {
                "id": f"addendum-{data['number']}",
                "date": published,
                "rationale": data["summary"],
                "description": data["changes"],
            }
        ],
    }
    if data.get("questions_deadline"):
        tender["enquiryPeriod"] = {"endDate": timestamp(data["questions_deadline"])}
    if data.get("documents"):
        tender["documents"] = documents(data["documents"], f"addendum-{data['number']}", published)
    return Change(["tenderAmendment"], {"tender": tender})


def _answered(data: dict[str, Any], process: Process, when: str) -> Change:
    # The question and its answer are public; who asked never is (it is not in this event).
    answer = {
        "id": f"question-{data['question_id']}",
        "documentType": "clarifications",
        "title": data["question"],
        "description": data["answer"],
        "datePublished": timestamp(data.get("answered_at") or when),
    }
    return Change(
        ["tenderUpdate"],
        {"tender": {"id": process.solicitation_id, "hasEnquiries": True, "documents": [answer]}},
    )


def _opened(data: dict[str, Any], process: Process, when: str, refs: Refs) -> Change:
    vendors: list[str] = []
    names: dict[str, str] = {}
    for entry in data["tabulation"]:
        if entry["vendor_id"] not in vendors:
            vendors.append(entry["vendor_id"])
            names[entry["vendor_id"]] = entry.get("vendor_name", "")
    tenderers = []
    for vendor in vendors:
        ref = refs(vendor)
        if "name" not in ref and names[vendor]:
            ref["name"] = names[vendor]
        tenderers.append(ref)
    tender = {
        "id": process.solicitation_id,
        "numberOfTenderers": len(vendors),
        "awardPeriod": {"startDate": timestamp(data["opened_at"])},
    }
    if tenderers:
        tender["tenderers"] = tenderers
    return Change(["tenderUpdate"], {"tender": tender}, [(v, "tenderer") for v in vendors])


_STATUS_TAGS = {
    "cancelled": ["tenderCancellation"],
    "complete": ["tenderUpdate"],
    "unsuccessful": ["tenderUpdate"],
}


def _status(status: str, process: Process, extra: dict[str, Any] | None = None) -> Change | None:
    if process.tender_status == status:
        return None  # both award and solicitation events report an unsuccessful process
    process.tender_status = status
    return Change(
        _STATUS_TAGS[status],
        {"tender": {"id": process.solicitation_id, "status": status, **(extra or {})}},
    )


def tender_change(
    event: Event, data: dict[str, Any], process: Process, when: str, refs: Refs
) -> Change | None:
    """The public change a solicitation event makes, if any."""
    if isinstance(event, DRAFT_EVENTS):
        if not process.published:
            process.draft = {**process.draft, **data}
        return None
    if isinstance(event, SolicitationPublished):
        return None if process.published else _published(data, process, when, refs)
    if not process.published:
        return None  # a draft's life (even its cancellation) is not public
    match event:
        case AddendumPublished():
            return _addendum(data, process, when)
        case QuestionAnswered():
            return _answered(data, process, when)
        case SolicitationOpened():
            return _opened(data, process, when, refs)
        case SolicitationCancelled():
            cancelled = timestamp(data.get("cancelled_at") or when)
            return _status(
                "cancelled",
                process,
                {
                    "amendments": [
                        {"id": "cancellation", "date": cancelled, "rationale": data["reason"]}
                    ]
                },
            )
        case SolicitationAwarded():
            return _status("complete", process)
        case solicitations_events.SolicitationUnsuccessful() | awards_events.SolicitationUnsuccessful():
            return _status("unsuccessful", process)
    return None


TENDER_EVENTS: frozenset[type[Event]] = frozenset(
    {
        *DRAFT_EVENTS,
        SolicitationPublished,
        AddendumPublished,
        QuestionAnswered,
        SolicitationOpened,
        SolicitationCancelled,
        SolicitationAwarded,
        solicitations_events.SolicitationUnsuccessful,
        awards_events.SolicitationUnsuccessful,
    }
)


DOCUMENT_EVENTS: frozenset[type[Event]] = frozenset({DocumentAttached})

#: a solicitation document's kind -> the documentType codelist
_DOCUMENT_TYPES = {"rfp": "biddingDocuments", "specification": "technicalSpecifications",
                   "addendum": "biddingDocuments", "answer": "clarifications", "form": "biddingDocuments"}


_DOCUMENT_FIELDS = ("id", "documentType", "title", "description", "url", "format")


def _uploaded(kept: dict[str, Any], published: str) -> dict[str, Any]:
    """A document kept with the draft, published with the tender. The kept copy went
    through jsonb (which orders keys its own way): rebuild it in one order, so that a
    rebuilt release is the same text."""
    return {**{k: kept[k] for k in _DOCUMENT_FIELDS if k in kept}, "datePublished": published}


def document_entry(data: dict[str, Any], base_url: str, published: str) -> dict[str, Any]:
    """An uploaded solicitation document as an OCDS Document: where to download it, its
    media type, when it was published and (in the description) its SHA-256."""
    return {
        "id": data["document_id"],
        "documentType": _DOCUMENT_TYPES.get(data["kind"], "biddingDocuments"),
        "title": data["title"],
        "description": f"{data['filename']}, {data['size']} bytes, SHA-256 {data['sha256']}",
        "url": f"{base_url}/api/v1/documents/{data['document_id']}/content",
        "format": data["media_type"],
        "datePublished": published,
    }


def document_change(data: dict[str, Any], process: Process, when: str, base_url: str) -> Change | None:
    """Before publication the document waits with the draft; afterwards it is published
    at once, as a tender update."""
    if not process.published:
        entry = document_entry(data, base_url, when)
        process.draft = {**process.draft, "uploads": [*process.draft.get("uploads", []), entry]}
        return None
    published = timestamp(data.get("attached_at") or when)
    return Change(["tenderUpdate"], {"tender": {"id": process.solicitation_id,
                                                "documents": [document_entry(data, base_url, published)]}})
