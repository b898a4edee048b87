"""An in-process index over the read model's vectors, for ranking without a vector store.

The read model is the truth; the index mirrors the rows it needs and, before every query,
reads only the rows whose ``seq`` moved since it last looked (one indexed query, usually
empty). Every process has its own; all of them agree with the database.

Filters are numpy arrays and key sets, so that a query over 100,000 rows never loops over
them in Python: one matrix product for text, set lookups for codes, programs and agencies.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import asyncpg
import numpy as np
from numpy.typing import NDArray

from infra.db import Connection
from kernel import commodities as codes
from services.assistance.embedding import DIMENSIONS

_LEVELS = (("s:", codes.SEGMENT), ("f:", codes.FAMILY), ("k:", codes.CLASS), ("c:", codes.EXACT))  # broad first
_NEVER = np.float64(-1.0)

#: the keys a row is found by: "code" keys always; others by what a filter asks
Keyer = Callable[[asyncpg.Record], Iterable[str]]


class Index:
    """Rows of one table: id, vector, boolean and time columns, and keys."""

    def __init__(self, query: str, *, flags: dict[str, Callable[[asyncpg.Record], bool]],
                 times: dict[str, str], keyer: Keyer) -> None:
        self._query = query  # selects key, seq, embedding, commodity_codes, ... WHERE seq > $1
        self._flag_tests = flags
        self._time_columns = times
        self._keyer = keyer
        self.seq = 0
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self.fields: list[dict[str, Any]] = []
        self._capacity = 1024
        self._matrix = np.zeros((self._capacity, DIMENSIONS), dtype=np.float32)
        self._flags = {name: np.zeros(self._capacity, dtype=np.bool_) for name in flags}
        self._times = {name: np.full(self._capacity, _NEVER) for name in times}
        self._keys: list[set[str]] = []
        self._rows_with: dict[str, set[int]] = defaultdict(set)
        self._lock = asyncio.Lock()

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def matrix(self) -> NDArray[np.float32]:
        return self._matrix[: len(self.ids)]

    def flag(self, name: str) -> NDArray[np.bool_]:
        return self._flags[name][: len(self.ids)]

    def after(self, name: str, moment: datetime) -> NDArray[np.bool_]:
        """Rows whose time column ``name`` is later than ``moment``."""
        return self._times[name][: len(self.ids)] > moment.timestamp()

    def having(self, key: str) -> NDArray[np.bool_]:
        """Rows that have ``key`` (a code level, a program, an agency...)."""
        found = np.zeros(len(self.ids), dtype=np.bool_)
        rows = self._rows_with.get(key)
        if rows:
            found[np.fromiter(rows, dtype=np.int64, count=len(rows))] = True
        return found

    async def refresh(self, conn: Connection) -> None:
        async with self._lock:
            rows = await conn.fetch(self._query, self.seq)
            for row in rows:
                self._put(row)
                self.seq = max(self.seq, row["seq"])

    def _grow(self) -> None:
        self._capacity *= 2
        matrix = np.zeros((self._capacity, DIMENSIONS), dtype=np.float32)
        matrix[: len(self.ids)] = self._matrix[: len(self.ids)]
        self._matrix = matrix
        for name, flags in self._flags.items():
            self._flags[name] = np.concatenate([flags, np.zeros(len(flags), dtype=np.bool_)])
        for name, times in self._times.items():
            self._times[name] = np.concatenate([times, np.full(len(times), _NEVER)])

    def _put(self, row: asyncpg.Record) -> None:
        key = row[0]
        at = self.row_of.get(key)
        if at is None:
            at = len(self.ids)
            if at == self._capacity:
                self._grow()
            self.ids.append(key)
            self.row_of[key] = at
            self.fields.append({})
            self._keys.append(set())
        blob = row["embedding"]
        self._matrix[at] = np.frombuffer(blob, dtype="<f4") if blob is not None else 0.0
        self.fields[at] = {k: v for k, v in row.items() if k != "embedding"}
        for name, test in self._flag_tests.items():
            self._flags[name][at] = test(row)
        for name, column in self._time_columns.items():
            moment = row[column]
            self._times[name][at] = moment.timestamp() if moment is not None else _NEVER
        for old in self._keys[at]:
            self._rows_with[old].discard(at)
        keys = codes.keys(row["commodity_codes"]) | set(self._keyer(row))
        self._keys[at] = keys
        for new in keys:
            self._rows_with[new].add(at)

    def cosines(self, query: NDArray[np.float32]) -> NDArray[np.float32]:
        return self.matrix @ query

    def code_closeness(self, wanted: Iterable[str]) -> NDArray[np.float32]:
        """For every row, how close its codes come to ``wanted`` (0, segment, family, exact)."""
        closeness = np.zeros(len(self.ids), dtype=np.float32)
        wanted_keys = codes.keys(wanted)
        for prefix, value in _LEVELS:
            for key in wanted_keys:
                if key.startswith(prefix) and (rows := self._rows_with.get(key)):
                    at = np.fromiter(rows, dtype=np.int64, count=len(rows))
                    closeness[at] = np.maximum(closeness[at], value)
        return closeness


class WordCache:
    """Words of a row's texts, kept for the rows asked about most recently."""

    def __init__(self, size: int = 20_000) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, int], frozenset[str]] = OrderedDict()

    def get(self, key: str, seq: int, make: Callable[[], frozenset[str]]) -> frozenset[str]:
        found = self._items.get((key, seq))
        if found is None:
            found = make()
            self._items[(key, seq)] = found
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end((key, seq))
        return found


VENDORS = """
SELECT v.vendor_id, v.seq, v.embedding, v.commodity_codes, v.status, v.excluded, v.local_agencies,
       v.state, v.legal_name,
       coalesce(array(SELECT c.program FROM assist_vendor_certs c
                      WHERE c.vendor_id = v.vendor_id AND c.status = 'verified'), '{}') AS programs
FROM assist_vendors v WHERE v.seq > $1 ORDER BY v.seq
"""

SOLICITATIONS = """
SELECT s.solicitation_id, s.seq, s.embedding, s.commodity_codes, s.agency_id, s.status, s.set_aside,
       s.submission_deadline, s.published_at, s.title, s.solicitation_type
FROM assist_solicitations s WHERE s.seq > $1 ORDER BY s.seq
"""


def _vendor_keys(row: asyncpg.Record) -> list[str]:
    return [f"program:{p}" for p in row["programs"]] + [f"local:{a}" for a in row["local_agencies"]]


def _solicitation_keys(row: asyncpg.Record) -> list[str]:
    return [f"agency:{row['agency_id']}"]


class Indexes:
    """The two indexes of one database, built on first use."""

    def __init__(self) -> None:
        self.vendors = Index(
            VENDORS, keyer=_vendor_keys, times={},
            flags={"eligible": lambda r: r["status"] == "approved" and not r["excluded"]})
        self.solicitations = Index(
            SOLICITATIONS, keyer=_solicitation_keys,
            times={"deadline": "submission_deadline", "published": "published_at"},
            flags={"published": lambda r: r["status"] == "published",
                   "comparable": lambda r: r["status"] not in ("draft", "cancelled")})
        self.words = WordCache()

    async def refresh(self, conn: Connection) -> None:
        await self.vendors.refresh(conn)
        await self.solicitations.refresh(conn)
