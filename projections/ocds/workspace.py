"""The projection's tables as seen by one batch: read once, changed in memory, written
once at the end (inside the runner's checkpoint transaction)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec

from infra.db import Connection
from projections.ocds.process import Process, decode_process, encode_process

_encode = msgspec.json.Encoder().encode


class Workspace:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.processes: dict[str, Process] = {}
        self.orgs: dict[str, dict[str, Any]] = {}
        self.refs: dict[str, tuple[str, dict[str, Any]]] = {}
        self._first: dict[str, tuple[int, int]] = {}
        self._changed_orgs: set[str] = set()
        #: organisations looked up and not found: no need to ask again in this batch
        self._unknown: set[str] = set()
        self._changed_refs: set[str] = set()
        self._releases: list[tuple[Any, ...]] = []

    async def process(self, ocid: str) -> Process | None:
        if ocid not in self.processes:
            state = await self.conn.fetchval(
                "SELECT state::text FROM ocds_processes WHERE ocid = $1", ocid
            )
            if state is None:
                return None
            self.processes[ocid] = decode_process(state)
        return self.processes[ocid]

    def add_process(self, process: Process) -> Process:
        self.processes[process.ocid] = process
        return process

    async def load_organisations(self, org_ids: Iterable[str]) -> None:
        missing = sorted(
            {o for o in org_ids if o and o not in self.orgs and o not in self._unknown}
        )
        if missing:
            self._unknown.update(missing)  # until found below or set by an event
            rows = await self.conn.fetch(
                "SELECT org_id, facts::text AS facts FROM ocds_organisations WHERE org_id = ANY($1::text[])",
                missing,
            )
            for row in rows:
                self.orgs[row["org_id"]] = msgspec.json.decode(row["facts"])

    def set_organisation(self, org_id: str, facts: dict[str, Any]) -> None:
        self.orgs[org_id] = facts
        self._changed_orgs.add(org_id)

    async def reference(self, key: str) -> tuple[str, dict[str, Any]] | None:
        if key not in self.refs:
            row = await self.conn.fetchrow(
                "SELECT ocid, facts::text AS facts FROM ocds_references WHERE ref = $1", key
            )
            if row is None:
                return None
            self.refs[key] = (row["ocid"], msgspec.json.decode(row["facts"]))
        return self.refs[key]

    def set_reference(self, key: str, ocid: str, facts: dict[str, Any] | None = None) -> None:
        self.refs[key] = (ocid, facts or {})
        self._changed_refs.add(key)

    def add_release(
        self, release: dict[str, Any], date: datetime, position: tuple[int, int]
    ) -> None:
        self._first.setdefault(release["ocid"], position)
        self._releases.append(
            (
                release["id"],
                release["ocid"],
                date,
                position[0],
                position[1],
                _encode(release).decode(),
            )
        )

    async def flush(self) -> None:
        if self.processes:
            await self.conn.executemany(
                "INSERT INTO ocds_processes (ocid, solicitation_id, first_tx, first_pos, state)"
                " VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (ocid) DO UPDATE SET"
                " state = EXCLUDED.state,"
                " first_tx = coalesce(ocds_processes.first_tx, EXCLUDED.first_tx),"
                " first_pos = coalesce(ocds_processes.first_pos, EXCLUDED.first_pos)",
                [
                    (
                        p.ocid,
                        p.solicitation_id,
                        *self._first.get(p.ocid, (None, None)),
                        encode_process(p).decode(),
                    )
                    for p in self.processes.values()
                ],
            )
        if self._changed_orgs:
            await self.conn.executemany(
                "INSERT INTO ocds_organisations (org_id, facts) VALUES ($1, $2::jsonb)"
                " ON CONFLICT (org_id) DO UPDATE SET facts = EXCLUDED.facts",
                [(o, _encode(self.orgs[o]).decode()) for o in sorted(self._changed_orgs)],
            )
        if self._changed_refs:
            await self.conn.executemany(
                "INSERT INTO ocds_references (ref, ocid, facts) VALUES ($1, $2, $3::jsonb)"
                " ON CONFLICT (ref) DO UPDATE SET ocid = EXCLUDED.ocid, facts = EXCLUDED.facts",
                [
                    (k, self.refs[k][0], _encode(self.refs[k][1]).decode())
                    for k in sorted(self._changed_refs)
                ],
            )
        if self._releases:
            # A release id names its event: the runner applies each event once, and a
            # release once written is never rewritten.
            await self.conn.executemany(
                "INSERT INTO ocds_releases (release_id, ocid, date, tx, pos, release)"
                " VALUES ($1, $2, $3, $4, $5, $6::json) ON CONFLICT (release_id) DO NOTHING",
                self._releases,
            )
