"""Ranking: opportunities for a vendor, vendors for a solicitation, similar purchases.

Two passes. A coarse pass over the whole index (one matrix product for text, inverted
code keys for commodity codes) keeps the best few hundred candidates; the exact pass
reads those candidates' details and scores every named part (``scoring.py``). The
lexical model skips the coarse pass, so its baseline is not held back by the embeddings.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import asyncpg
import msgspec
import numpy as np
from numpy.typing import NDArray

from events.assistance import SuggestedItem
from infra.db import Connection
from kernel.commodities import commodity_text
from kernel.errors import NotYetVisible
from services.assistance import scoring
from services.assistance.embedding import DIMENSIONS
from services.assistance.index import Indexes
from services.assistance.scoring import Model, SolicitationSide, VendorSide
from services.assistance.text import solicitation_text, vendor_text, words

#: how many candidates the coarse pass keeps for the exact pass
CANDIDATES = 100
#: similar purchases look back this far
SIMILAR_WINDOW = timedelta(days=730)
_OPEN = "published"


@dataclass(frozen=True)
class Ranked:
    items: list[SuggestedItem]
    inputs_hash: str
    details: dict[str, dict[str, Any]] = field(default_factory=dict)


def keeping(ranked: Ranked, ids: frozenset[str]) -> Ranked:
    """``ranked`` with only the items in ``ids``, ranked again from 1 (the inputs hash stays:
    it names what was ranked)."""
    kept = [i for i in ranked.items if i.item_id in ids]
    if len(kept) == len(ranked.items):
        return ranked
    return Ranked([msgspec.structs.replace(i, rank=n) for n, i in enumerate(kept, start=1)],
                  ranked.inputs_hash, {k: v for k, v in ranked.details.items() if k in ids})


def _hash(*parts: Any) -> str:
    return hashlib.sha256(msgspec.json.encode(parts)).hexdigest()


def _state_of(jurisdiction: str) -> str:
    """``US-WA-Seattle`` -> ``WA``; other jurisdictions have no US state."""
    bits = jurisdiction.split("-")
    return bits[1].upper() if len(bits) >= 2 and bits[0].upper() == "US" and len(bits[1]) == 2 else ""


def _vector(blob: bytes | None) -> NDArray[np.float32]:
    if blob is None:
        return np.zeros(DIMENSIONS, dtype=np.float32)
    return np.frombuffer(blob, dtype="<f4")


def _coarse(cosines: NDArray[np.float32], closeness: NDArray[np.float32], eligible: NDArray[np.bool_],
            model: Model, limit: int = CANDIDATES) -> list[int]:
    """The rows worth scoring exactly: all eligible ones for the lexical model, else the best
    ``limit`` by text and codes alone."""
    if not model.semantic:
        return [int(i) for i in np.flatnonzero(eligible)]
    text = np.clip((cosines - scoring.COSINE_FLOOR) / (scoring.COSINE_FULL - scoring.COSINE_FLOOR), 0.0, 1.0)
    score = model.weights["text_similarity"] * text + model.weights["commodity_code"] * closeness
    score = np.where(eligible, score, -1.0)
    take = min(limit, int(eligible.sum()))
    if take <= 0:
        return []
    return [int(i) for i in np.argpartition(-score, take - 1)[:take]]


# -- the details the exact pass needs --------------------------------------------------

_VENDOR_DETAILS = """
SELECT v.vendor_id, v.seq, v.legal_name, v.capability, v.commodity_codes, v.local_agencies, v.state,
       coalesce(array(SELECT c.program || '|' || c.effective_date || '|' || c.expiry_date
                      FROM assist_vendor_certs c WHERE c.vendor_id = v.vendor_id
                      AND c.status = 'verified'), '{}') AS certs
FROM assist_vendors v WHERE v.vendor_id = ANY($1)
"""

_VENDOR_HISTORY = """
SELECT b.vendor_id, 'bid' AS kind, s.commodity_codes, 0 AS rating_total, 0 AS rating_count
FROM assist_bidders b JOIN assist_solicitations s USING (solicitation_id) WHERE b.vendor_id = ANY($1)
UNION ALL
SELECT c.vendor_id, 'won', s.commodity_codes, c.rating_total, c.rating_count
FROM assist_contracts c JOIN assist_solicitations s USING (solicitation_id) WHERE c.vendor_id = ANY($1)
"""

_SOLICITATION_DETAILS = """
SELECT s.solicitation_id, s.seq, s.agency_id, s.title, s.description, s.commodity_codes, s.set_aside,
       s.submission_deadline, s.status, s.solicitation_type, s.estimated_amount, s.currency,
       s.published_at, s.embedding, coalesce(a.jurisdiction, '') AS jurisdiction, coalesce(a.name, '') AS agency
FROM assist_solicitations s LEFT JOIN assist_agencies a USING (agency_id)
WHERE s.solicitation_id = ANY($1)
"""


async def vendor_sides(conn: Connection, indexes: Indexes, vendor_ids: list[str]) -> dict[str, VendorSide]:
    rows = await conn.fetch(_VENDOR_DETAILS, vendor_ids)
    history: dict[str, dict[str, list[Any]]] = defaultdict(lambda: {"bid": [], "won": [], "rated": []})
    for h in await conn.fetch(_VENDOR_HISTORY, vendor_ids):
        mine = history[h["vendor_id"]]
        mine[h["kind"]].append(tuple(h["commodity_codes"]))
        if h["rating_count"]:
            mine["rated"].append((tuple(h["commodity_codes"]), h["rating_total"] / h["rating_count"] / 100))
    sides = {}
    for r in rows:
        certs = []
        for text in r["certs"]:
            program, start, end = text.split("|")
            certs.append((program, date.fromisoformat(start), date.fromisoformat(end)))
        mine = history[r["vendor_id"]]
        sides[r["vendor_id"]] = VendorSide(
            vendor_id=r["vendor_id"], commodity_codes=tuple(r["commodity_codes"]),
            words=indexes.words.get(r["vendor_id"], r["seq"], partial(_vendor_words, r)),
            local_agencies=frozenset(r["local_agencies"]), state=r["state"], certifications=tuple(certs),
            bid_codes=tuple(mine["bid"]), won_codes=tuple(mine["won"]), ratings=tuple(mine["rated"]))
    return sides


def _vendor_words(r: asyncpg.Record) -> frozenset[str]:
    return frozenset(words(vendor_text(r["legal_name"], r["capability"], [commodity_text(r["commodity_codes"])])))


def _solicitation_side(indexes: Indexes, r: asyncpg.Record) -> SolicitationSide:
    return SolicitationSide(
        solicitation_id=r["solicitation_id"], agency_id=r["agency_id"],
        agency_state=_state_of(r["jurisdiction"]), commodity_codes=tuple(r["commodity_codes"]),
        words=indexes.words.get(r["solicitation_id"], r["seq"], lambda: frozenset(words(solicitation_text(
            r["title"], r["description"], [commodity_text(r["commodity_codes"])])))),
        set_aside_program=_program(r["set_aside"]),
        deadline=r["submission_deadline"].date() if r["submission_deadline"] else None)


def _program(set_aside: str | None) -> str | None:
    """A set-aside for a certification program names it; ``small_business`` is open to all
    small businesses and so does not restrict matching to a program."""
    return None if set_aside in (None, "", "small_business") else set_aside


async def solicitation_rows(conn: Connection, ids: list[str]) -> dict[str, asyncpg.Record]:
    return {r["solicitation_id"]: r for r in await conn.fetch(_SOLICITATION_DETAILS, ids)}


def _ordered(scored: list[tuple[str, list[Any]]], limit: int,
             kinds: dict[str, str] | None = None) -> list[SuggestedItem]:
    ranked = sorted(scored, key=lambda s: (-scoring.total(s[1]), s[0]))[:limit]
    return [SuggestedItem(item_id=item_id, rank=rank, score=scoring.total(parts), parts=parts,
                          kind=(kinds or {}).get(item_id, ""))
            for rank, (item_id, parts) in enumerate(ranked, start=1)]


# -- the three lists -------------------------------------------------------------------


async def opportunities(conn: Connection, indexes: Indexes, vendor_id: str, now: datetime, *,
                        model: Model = scoring.SEMANTIC, limit: int = 20) -> Ranked:
    """Open solicitations ranked for a vendor; those it dismissed, or may not bid on, left out."""
    await indexes.refresh(conn)
    index = indexes.solicitations
    vendor_row = indexes.vendors.row_of.get(vendor_id)
    if vendor_row is None:
        raise NotYetVisible(f"vendor {vendor_id} is not in the matching model yet; retry shortly")
    vendor = (await vendor_sides(conn, indexes, [vendor_id]))[vendor_id]
    dismissed = [r["solicitation_id"] for r in await conn.fetch(
        "SELECT solicitation_id FROM assist_dismissals WHERE vendor_id = $1 ORDER BY solicitation_id", vendor_id)]
    today = now.date()
    open_now = index.flag("published") & index.after("deadline", now)
    for sid in dismissed:
        if (row := index.row_of.get(sid)) is not None:
            open_now[row] = False
    cosines = index.cosines(indexes.vendors.matrix[vendor_row])
    chosen = _coarse(cosines, index.code_closeness(vendor.commodity_codes), open_now, model)
    rows = await solicitation_rows(conn, [index.ids[i] for i in chosen])
    scored = []
    for i in chosen:
        sid = index.ids[i]
        side = _solicitation_side(indexes, rows[sid])
        if scoring.eligible(vendor, side, today):
            cosine = float(cosines[i]) if model.semantic else 0.0
            scored.append((sid, scoring.match_parts(model, vendor, side, cosine, today)))
    items = _ordered(scored, limit)
    details = {i.item_id: {"title": rows[i.item_id]["title"], "agency": rows[i.item_id]["agency"],
                           "submission_deadline": rows[i.item_id]["submission_deadline"]} for i in items}
    return Ranked(items, _hash(model.name, model.version, vendor_id, today, index.seq, indexes.vendors.seq,
                               dismissed), details)


@dataclass(frozen=True)
class VendorFilters:
    program: str | None = None
    local_only: bool = False


async def suggested_vendors(conn: Connection, indexes: Indexes, solicitation_id: str, now: datetime,
                            *, filters: VendorFilters = VendorFilters(), model: Model = scoring.SEMANTIC,
                            limit: int = 20) -> Ranked:
    """Approved, non-excluded vendors who could bid, best first."""
    await indexes.refresh(conn)
    rows = await solicitation_rows(conn, [solicitation_id])
    if solicitation_id not in rows:
        raise NotYetVisible(f"solicitation {solicitation_id} is not in the matching model yet; retry shortly")
    row = rows[solicitation_id]
    side = _solicitation_side(indexes, row)
    today = now.date()
    index = indexes.vendors
    could_bid = index.flag("eligible").copy()
    for program in {filters.program, side.set_aside_program} - {None}:
        could_bid &= index.having(f"program:{program}")
    if filters.local_only:
        could_bid &= index.having(f"local:{side.agency_id}")
    cosines = index.cosines(_vector(row["embedding"]))
    chosen = _coarse(cosines, index.code_closeness(side.commodity_codes), could_bid, model)
    vendors = await vendor_sides(conn, indexes, [index.ids[i] for i in chosen])
    scored = []
    for i in chosen:
        vendor = vendors[index.ids[i]]
        if not scoring.eligible(vendor, side, today):
            continue
        if filters.program and not vendor.certified(filters.program, today):
            continue
        cosine = float(cosines[i]) if model.semantic else 0.0
        scored.append((vendor.vendor_id, scoring.match_parts(model, vendor, side, cosine, today)))
    items = _ordered(scored, limit)
    details = {i.item_id: {"legal_name": index.fields[index.row_of[i.item_id]]["legal_name"],
                           "certifications": vendors[i.item_id].programs(today),
                           "local": side.agency_id in vendors[i.item_id].local_agencies} for i in items}
    return Ranked(items, _hash(model.name, model.version, solicitation_id, today, index.seq,
                               indexes.solicitations.seq, filters.program, filters.local_only), details)


async def similar_purchases(conn: Connection, indexes: Indexes, solicitation_id: str, now: datetime,
                            *, limit: int = 10, model: Model = scoring.SIMILAR) -> Ranked:
    """Other agencies' open or recent solicitations and active contracts for the same need."""
    await indexes.refresh(conn)
    rows = await solicitation_rows(conn, [solicitation_id])
    if solicitation_id not in rows:
        raise NotYetVisible(f"solicitation {solicitation_id} is not in the matching model yet; retry shortly")
    row = rows[solicitation_id]
    side = _solicitation_side(indexes, row)
    index = indexes.solicitations
    contracts = await conn.fetch(
        "SELECT contract_id, solicitation_id, agency_id, vendor_id, value_amount, currency, end_date"
        " FROM assist_contracts WHERE status = 'active' AND agency_id <> $1 ORDER BY contract_id", side.agency_id)
    by_solicitation: dict[str, list[asyncpg.Record]] = defaultdict(list)
    for c in contracts:
        by_solicitation[c["solicitation_id"]].append(c)
    comparable = index.flag("comparable") & index.after("published", now - SIMILAR_WINDOW)
    for sid in by_solicitation:
        if (at := index.row_of.get(sid)) is not None:
            comparable[at] = True
    comparable &= ~index.having(f"agency:{side.agency_id}")
    cosines = index.cosines(_vector(row["embedding"]))
    chosen = _coarse(cosines, index.code_closeness(side.commodity_codes), comparable, model)
    others = await solicitation_rows(conn, [index.ids[i] for i in chosen])
    scored, kinds, details = [], {}, {}
    for i in chosen:
        sid = index.ids[i]
        other = others[sid]
        parts = scoring.similar_parts(model, side, _solicitation_side(indexes, other), float(cosines[i]))
        if scoring.total(parts) < scoring.SIMILAR_THRESHOLD:
            continue
        for contract in by_solicitation.get(sid, []):
            cid = contract["contract_id"]
            scored.append((cid, parts))
            kinds[cid] = "contract"
            details[cid] = {"title": other["title"], "agency": contract["agency_id"],
                            "vendor_id": contract["vendor_id"], "solicitation_id": sid,
                            "end_date": contract["end_date"]}
        if sid not in by_solicitation:
            scored.append((sid, parts))
            kinds[sid] = "solicitation"
            details[sid] = {"title": other["title"], "agency": other["agency"], "status": other["status"]}
    items = _ordered(scored, limit, kinds)
    return Ranked(items, _hash(model.name, model.version, solicitation_id, now.date(), index.seq),
                  {i.item_id: details[i.item_id] for i in items})
