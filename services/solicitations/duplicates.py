"""The duplicate-purchase check: before an agency buys, an active cooperative contract it
may use, or another agency's open or recent solicitation for the same need (the same
commodity codes, or clearly similar text). A warning (an event), never a refusal, like the
splitting check: the buyer may have reasons, and going ahead is then on the record."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from events.solicitations import DuplicatePurchaseSuspected
from services.marketplace.facts import may_use
from services.solicitations.commands import SimilarPurchases

#: another agency's solicitation counts while open, or for this long after publication
RECENT = timedelta(days=180)
#: titles sharing this share of their words (of the shorter title) are clearly similar
SIMILAR_TEXT = 0.6
#: solicitation statuses in which it is still open
_OPEN = frozenset({"published", "closed", "opened", "under_evaluation"})

_STOPWORDS = frozenset(
    "a an and are as at be by for from in into is of on or the to with services service supply "
    "supplies purchase procurement contract rfp rfq itb rfi".split())


def words(text: str) -> list[str]:
    """The title's meaningful words, lower case, in order, without repeats."""
    return list(dict.fromkeys(w for w in re.findall(r"[a-z0-9]+", text.lower())
                              if len(w) > 2 and w not in _STOPWORDS))


def text_similarity(a: str, b: str) -> float:
    """The share of the shorter title's words the other has too (0..1)."""
    wa, wb = set(words(a)), set(words(b))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def suspected_duplicates(*, solicitation_id: str, agency_id: str, jurisdiction: str | None, title: str,
                         commodity_codes: Sequence[str], step: str, now: datetime,
                         similar: SimilarPurchases) -> list[DuplicatePurchaseSuspected]:
    """One warning per usable contract and per other agency's solicitation for the same need."""
    codes = set(commodity_codes)
    warnings: list[DuplicatePurchaseSuspected] = []

    def warn(kind: str, match_id: str, match_title: str, match_agency: str, match_codes: Sequence[str],
             end_date: date | None = None) -> None:
        shared, text = sorted(codes & set(match_codes)), text_similarity(title, match_title)
        if shared or text >= SIMILAR_TEXT:
            warnings.append(DuplicatePurchaseSuspected(
                solicitation_id=solicitation_id, agency_id=agency_id, step=step, kind=kind, match_id=match_id,
                match_title=match_title, match_agency_id=match_agency, shared_commodity_codes=shared,
                text_similarity=round(text, 2), end_date=end_date))

    for c in sorted(similar.contracts, key=lambda c: c.contract_id):
        if c.status != "active" or c.end_date < now.date():
            continue
        if c.lead_agency_id != agency_id and not may_use(c.cooperative, agency_id, jurisdiction):
            continue
        warn("cooperative_contract", c.contract_id, c.title, c.lead_agency_id, c.commodity_codes, c.end_date)
    for s in sorted(similar.solicitations, key=lambda s: s.solicitation_id):
        if s.agency_id == agency_id or s.solicitation_id == solicitation_id or s.status == "cancelled":
            continue
        if s.status not in _OPEN and now - s.published_at > RECENT:
            continue
        warn("solicitation", s.solicitation_id, s.title, s.agency_id, s.commodity_codes)
    return warnings
