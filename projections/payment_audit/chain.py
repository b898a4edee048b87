"""The tamper-evident hash chain of audit entries, as pure functions.

Each entry's hash is SHA-256 over its canonical content (sorted-key JSON of every
column but the hash) including the previous entry's hash, so changing, removing or
reordering any stored entry breaks every link after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import msgspec

GENESIS = "0" * 64
CONTENT = ("agency_id", "seq", "event_id", "event_type", "occurred_at", "actor", "actor_role",
           "contract_id", "invoice_id", "payment_id", "vendor_id", "amount", "currency", "summary",
           "prev_hash")


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def entry_hash(entry: Mapping[str, Any]) -> str:
    content = {key: _canonical(entry[key]) for key in CONTENT}
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


class BrokenLink(msgspec.Struct, frozen=True, kw_only=True):
    seq: int
    event_id: str
    reason: str


def first_broken(entries: Iterable[Mapping[str, Any]]) -> BrokenLink | None:
    """The first entry (in chain order) whose link or content does not verify."""
    previous, expected_seq = GENESIS, 1
    for entry in entries:
        if entry["seq"] != expected_seq:
            return BrokenLink(seq=entry["seq"], event_id=entry["event_id"],
                              reason=f"entry {expected_seq} is missing")
        if entry["prev_hash"] != previous:
            return BrokenLink(seq=entry["seq"], event_id=entry["event_id"],
                              reason="does not link to the previous entry")
        if entry_hash(entry) != entry["hash"]:
            return BrokenLink(seq=entry["seq"], event_id=entry["event_id"],
                              reason="content does not match its hash")
        previous, expected_seq = entry["hash"], expected_seq + 1
    return None
