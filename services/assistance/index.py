"""An in-process index over the read model's vectors, for ranking without a vector store.

The read model is the truth; the index mirrors the rows it needs and, before every query,
reads only the rows whose ``seq`` moved since it last looked (one indexed query, usually
empty). Every process has its own; all of them agree with the database.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import asyncpg
import numpy as np
from numpy.typing import NDArray

from kernel import commodities as codes
from services.assistance.embedding import DIMENSIONS

_LEVELS = (("c:", codes.EXACT), ("f:", codes.FAMILY), ("s:", codes.SEGMENT))


class Index:
    """Rows of one table: id, vector, code keys and the fields a filter needs."""

    def __init__(self, query: str) -> None:
        self._query = query  # selects key, seq, embedding, commodity_codes, ... WHERE seq > $1
        self.seq = 0
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self.fields: list[dict[str, Any]] = []
        self._matrix = np.zeros((1024, DIMENSIONS), dtype=np.float32)
        self._keys: list[set[str]] = []
        self._rows_with: dict[str, set[int]] = defaultdict(set)
        self._lock = asyncio.Lock()

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def matrix(self) -> NDArray[np.float32]:
        return self._matrix[: len(self.ids)]

    async def refresh(self, conn: asyncpg.Connection) -> None:
        async with self._lock:
            rows = await conn.fetch(self._query, self.seq)
            for row in rows:
                self._put(row)
                self.seq = max(self.seq, row["seq"])

    def _put(self, row: asyncpg.Record) -> None:
        key = row[0]
        at = self.row_of.get(key)
        if at is None:
            at = len(self.ids)
            if at == len(self._matrix):
                grown = np.zeros((len(self._matrix) * 2, DIMENSIONS), dtype=np.float32)
                grown[:at] = self._matrix
                self._matrix = grown
            self.ids.append(key)
            self.row_of[key] = at
            self.fields.append({})
            self._keys.append(set())
        blob = row["embedding"]
        self._matrix[at] = np.frombuffer(blob, dtype="<f4") if blob is not None else 0.0
        self.fields[at] = {k: v for k, v in row.items() if k != "embedding"}
        for old in self._keys[at]:
            self._rows_with[old].discard(at)
        keys = codes.keys(row["commodity_codes"])
        self._keys[at] = keys
        for new in keys:
            self._rows_with[new].add(at)

    def cosines(self, query: NDArray[np.float32]) -> NDArray[np.float32]:
        return self.matrix @ query

    def code_closeness(self, wanted: Iterable[str]) -> NDArray[np.float32]:
        """For every row, how close its codes come to ``wanted`` (0, segment, family, exact)."""
        closeness = np.zeros(len(self.ids), dtype=np.float32)
        wanted = list(wanted)
        for prefix, value in reversed(_LEVELS):  # broad first, so that exact overwrites
            for key in codes.keys(wanted):
                if key.startswith(prefix) and (rows := self._rows_with.get(key)):
                    at = np.fromiter(rows, dtype=np.int64, count=len(rows))
                    closeness[at] = np.maximum(closeness[at], value)
        return closeness

    def mask(self, test: Any) -> NDArray[np.bool_]:
        return np.fromiter((bool(test(f)) for f in self.fields), dtype=np.bool_, count=len(self.fields))


VENDORS = """
SELECT v.vendor_id, v.seq, v.embedding, v.commodity_codes, v.status, v.excluded, v.local_agencies,
       v.state, v.users, v.legal_name,
       coalesce(array(SELECT c.program FROM assist_vendor_certs c
                      WHERE c.vendor_id = v.vendor_id AND c.status = 'verified'), '{}') AS programs
FROM assist_vendors v WHERE v.seq > $1 ORDER BY v.seq
"""

SOLICITATIONS = """
SELECT s.solicitation_id, s.seq, s.embedding, s.commodity_codes, s.agency_id, s.status, s.set_aside,
       s.submission_deadline, s.published_at, s.title, s.solicitation_type
FROM assist_solicitations s WHERE s.seq > $1 ORDER BY s.seq
"""


class Indexes:
    """The two indexes of one database, built on first use."""

    def __init__(self) -> None:
        self.vendors = Index(VENDORS)
        self.solicitations = Index(SOLICITATIONS)

    async def refresh(self, conn: asyncpg.Connection) -> None:
        await self.vendors.refresh(conn)
        await self.solicitations.refresh(conn)
