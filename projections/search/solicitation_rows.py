"""Solicitation events -> ``search_solicitations`` rows, folded per batch.

A batch's events are folded onto the rows they touch in memory and each row is written
once, so a solicitation created and published in the same batch costs one insert (one
text-search vector, one set of index entries) instead of an insert and an update. Each row
keeps the global position of the last event folded into it; an event at or before that
position is a replay and is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import asyncpg

from events.base import Event
from events.solicitations import (
    AddendumPublished,
    SolicitationAwarded,
    SolicitationCancelled,
    SolicitationClosed,
    SolicitationCreated,
    SolicitationOpened,
    SolicitationPublished,
    SolicitationUnderEvaluation,
    SolicitationUnsuccessful,
    SolicitationUpdated,
)
from infra.db import Connection
from infra.eventstore import Position, RecordedEvent
from kernel.commodities import commodity_text, prefixes
from projections.statements import fields


@dataclass(frozen=True)
class SolicitationRow:
    solicitation_id: str
    agency_id: str
    kind: str
    title: str
    description: str
    commodity_codes: tuple[str, ...]
    value_amount: int | None
    value_currency: str | None
    set_aside: str
    method: str | None
    deadline: datetime
    addenda_text: str = ""
    published: bool = False
    stage: str = "draft"
    published_at: datetime | None = None
    #: the agency's IANA zone, recorded when the draft was created
    time_zone: str = "UTC"
    position: Position = field(default=Position(0, 0))


def _content(e: Any) -> dict[str, Any]:
    """The editable content of a created or updated draft."""
    value = e.estimated_value
    return dict(kind=e.solicitation_type, title=e.title, description=e.description or "",
                commodity_codes=tuple(e.commodity_codes),
                value_amount=value.amount if value else None,
                value_currency=value.currency if value else None,
                set_aside=e.set_aside or "none", method=e.method or None,
                deadline=e.submission_deadline)


def _created(row: SolicitationRow | None, e: Any, at: Position) -> SolicitationRow | None:
    if row is not None:
        return row
    return SolicitationRow(solicitation_id=e.solicitation_id, agency_id=e.agency_id, position=at,
                           time_zone=e.time_zone, **_content(e))


def _updated(row: SolicitationRow | None, e: Any, at: Position) -> SolicitationRow | None:
    return row and replace(row, position=at, **_content(e))


def _published(row: SolicitationRow | None, e: Any, at: Position) -> SolicitationRow | None:
    return row and replace(row, position=at, published=True, stage="open",
                           published_at=e.published_at, deadline=e.submission_deadline)


def _addendum(row: SolicitationRow | None, e: Any, at: Position) -> SolicitationRow | None:
    text = " ".join(part for part in (e.summary, e.changes) if part)
    return row and replace(row, position=at, addenda_text=(row.addenda_text + " " + text).strip(),
                           deadline=e.submission_deadline or row.deadline)


def _stage(name: str) -> Callable[[SolicitationRow | None, Any, Position], SolicitationRow | None]:
    def evolve(row: SolicitationRow | None, e: Any, at: Position) -> SolicitationRow | None:
        return row and replace(row, position=at, stage=name)

    return evolve


EVOLVE: dict[type[Event], Callable[[SolicitationRow | None, Any, Position], SolicitationRow | None]] = {
    SolicitationCreated: _created,
    SolicitationUpdated: _updated,
    SolicitationPublished: _published,
    AddendumPublished: _addendum,
    SolicitationClosed: _stage("closed"),
    SolicitationOpened: _stage("closed"),
    SolicitationUnderEvaluation: _stage("evaluation"),
    SolicitationAwarded: _stage("awarded"),
    SolicitationUnsuccessful: _stage("unsuccessful"),
    SolicitationCancelled: _stage("cancelled"),
}

_COLUMNS = ("solicitation_id, agency_id, kind, title, description, commodity_codes, commodity_prefixes,"
            " commodity_text, addenda_text, value_amount, value_currency, set_aside, method, published,"
            " stage, deadline, published_at, time_zone, src_tx, src_pos")

_LOAD = f"SELECT {_COLUMNS} FROM search_solicitations WHERE solicitation_id = ANY($1::text[])"

# Codes travel space-separated: unnest cannot take arrays of arrays of different lengths.
_SAVE = f"""
INSERT INTO search_solicitations ({_COLUMNS})
SELECT id, agency, kind, title, description, string_to_array(codes, ' '), string_to_array(prefixes, ' '),
       ctext, addenda, amount, currency, set_aside, method, published, stage, deadline, published_at,
       zone, tx, pos
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
            $8::text[], $9::text[], $10::bigint[], $11::text[], $12::text[], $13::text[],
            $14::boolean[], $15::text[], $16::timestamptz[], $17::timestamptz[], $18::text[],
            $19::bigint[], $20::bigint[])
     AS r(id, agency, kind, title, description, codes, prefixes, ctext, addenda, amount, currency,
          set_aside, method, published, stage, deadline, published_at, zone, tx, pos)
ON CONFLICT (solicitation_id) DO UPDATE SET
    agency_id = EXCLUDED.agency_id, kind = EXCLUDED.kind, title = EXCLUDED.title,
    description = EXCLUDED.description, commodity_codes = EXCLUDED.commodity_codes,
    commodity_prefixes = EXCLUDED.commodity_prefixes, commodity_text = EXCLUDED.commodity_text,
    addenda_text = EXCLUDED.addenda_text, value_amount = EXCLUDED.value_amount,
    value_currency = EXCLUDED.value_currency, set_aside = EXCLUDED.set_aside,
    method = EXCLUDED.method, published = EXCLUDED.published, stage = EXCLUDED.stage,
    deadline = EXCLUDED.deadline, published_at = EXCLUDED.published_at, time_zone = EXCLUDED.time_zone,
    src_tx = EXCLUDED.src_tx, src_pos = EXCLUDED.src_pos
"""


def _from_record(r: asyncpg.Record) -> SolicitationRow:
    return SolicitationRow(
        solicitation_id=r["solicitation_id"], agency_id=r["agency_id"], kind=r["kind"],
        title=r["title"], description=r["description"], commodity_codes=tuple(r["commodity_codes"]),
        value_amount=r["value_amount"], value_currency=r["value_currency"], set_aside=r["set_aside"],
        method=r["method"], deadline=r["deadline"], addenda_text=r["addenda_text"],
        published=r["published"], stage=r["stage"], published_at=r["published_at"], time_zone=r["time_zone"],
        position=Position(r["src_tx"], r["src_pos"]),
    )


async def apply(conn: Connection, events: Sequence[RecordedEvent]) -> None:
    """Fold the solicitation events of a batch onto their rows and write each row once."""
    mine = [r for r in events if type(r.event) in EVOLVE]
    if not mine:
        return
    ids = sorted({fields(r).solicitation_id for r in mine})
    rows: dict[str, SolicitationRow | None] = dict.fromkeys(ids)
    rows.update({r["solicitation_id"]: _from_record(r) for r in await conn.fetch(_LOAD, ids)})
    changed: set[str] = set()
    for recorded in mine:
        sid = fields(recorded).solicitation_id
        row = rows[sid]
        if row is not None and recorded.position <= row.position:
            continue  # already folded in: a replay
        new = EVOLVE[type(recorded.event)](row, recorded.event, recorded.position)
        if new is not row:
            rows[sid] = new
            changed.add(sid)
    if changed:
        saved = [row for sid in sorted(changed) if (row := rows[sid]) is not None]
        await conn.execute(_SAVE, *_columns(saved))


def _columns(rows: list[SolicitationRow]) -> list[list[Any]]:
    return [
        [r.solicitation_id for r in rows], [r.agency_id for r in rows], [r.kind for r in rows],
        [r.title for r in rows], [r.description for r in rows],
        [" ".join(r.commodity_codes) for r in rows],
        [" ".join(prefixes(r.commodity_codes)) for r in rows],
        [commodity_text(r.commodity_codes) for r in rows], [r.addenda_text for r in rows],
        [r.value_amount for r in rows], [r.value_currency for r in rows], [r.set_aside for r in rows],
        [r.method for r in rows], [r.published for r in rows], [r.stage for r in rows],
        [r.deadline for r in rows], [r.published_at for r in rows], [r.time_zone for r in rows],
        [r.position.transaction_id for r in rows], [r.position.position for r in rows],
    ]
