"""Crypto-shredding: personal data in events is stored encrypted under a key per person.

The events table is append-only, so personal data cannot be deleted from it; instead each
field an event declares personal (``Event.PERSONAL``, see ``events.base.PersonalData``) is
stored as ``pii:1:<key id>:<base64(nonce | AES-256-GCM ciphertext)>`` under the key of the
person it belongs to, kept in ``personal_keys`` (migration 1201). Destroying the key
(``forget``) makes every copy unreadable at once: the store, the stream, backups of the
events, and every read model rebuilt afterwards, which show ``REMOVED`` in its place.

- Nothing else changes: field types, tags, event ids, the events' order and every hash
  computed over them stay as they were, so no new event versions are needed and events
  stored before this existed (in clear) decode as before.
- Sealing happens in the event store's append, in the append's own transaction;
  opening happens wherever stored events are decoded (the store's reads, the projection
  runners), with one key lookup per batch and no key cache, so a key destroyed by one
  process is gone for every process at the next read. Both stores do it, each over its
  own ``KeyTable`` (``PostgresKeys``, ``MemoryKeys``), so one contract suite covers it.
- The relay publishes events as stored: NATS never carries personal data in clear.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from events.base import Event, PersonalData
from events.registry import encode_event

REMOVED = "[removed]"
PREFIX = "pii:1:"
_ENVELOPE = re.compile(r"pii:1:([0-9a-f]{32}):([A-Za-z0-9_=-]+)")
_KEY_IDS = re.compile(r'"pii:1:([0-9a-f]{32}):')


def subject_of(kind: str, value: str) -> str:
    """The person's name in the key table: emails compare without case or spaces."""
    return f"{kind}:{value.strip().lower() if kind == 'contact' else value.strip()}"


def digest(subject: str) -> str:
    return hashlib.sha256(subject.encode()).hexdigest()


def _items(payload: dict[str, Any], spec: PersonalData) -> Iterable[dict[str, Any]]:
    if not spec.each:
        yield payload
        return
    for item in payload.get(spec.each) or ():
        if isinstance(item, dict):
            yield item


def _wanted(events: Sequence[Event]) -> list[tuple[dict[str, Any] | None, list[tuple[dict, PersonalData, str]]]]:
    """Each event's payload (None when it holds no personal data) and its personal items."""
    out: list[tuple[dict[str, Any] | None, list[tuple[dict, PersonalData, str]]]] = []
    for event in events:
        if not type(event).PERSONAL:
            out.append((None, []))
            continue
        payload = msgspec.json.decode(encode_event(event))
        found = []
        for spec in type(event).PERSONAL:
            for item in _items(payload, spec):
                name = item.get(spec.subject)
                if isinstance(name, str) and name.strip():
                    holder = str(payload.get(spec.holder) or "") if spec.holder else ""
                    found.append((item, spec, f"{subject_of(spec.kind, name)}\x00{holder}"))
        out.append((payload, found))
    return out


People = dict[str, tuple[str, list[str]]]
"""Who an append names: subject digest -> (kind, the vendors whose records hold them)."""


class KeyTable(Protocol):
    """Where the keys per person are kept: ``PostgresKeys`` (table ``personal_keys``, in the
    caller's transaction) for the PostgreSQL store, ``MemoryKeys`` for the in-memory one."""

    async def keys_for(self, people: People) -> dict[str, tuple[str, bytes]]:
        """The key id and key of each person (made on first use), by subject digest;
        the holders are added to those already recorded."""
        ...

    async def held(self, key_ids: list[str]) -> dict[str, bytes]:
        """The keys still held, of these ids (destroyed keys are simply absent)."""
        ...

    async def holders_of(self, subject: str) -> list[str] | None:
        """The vendors whose records hold this person's data; None when no key exists."""
        ...

    async def destroy(self, subject: str) -> Forgotten | None:
        """Destroy the person's key: their data is unreadable everywhere from now on."""
        ...


_KEYS_FOR = """
INSERT INTO personal_keys (subject_digest, key_id, kind, key, holders)
SELECT digest, id, kind, key, string_to_array(holders, chr(31))
FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[]) AS m(digest, id, kind, key, holders)
ORDER BY digest
ON CONFLICT (subject_digest) DO UPDATE
    SET holders = ARRAY(SELECT DISTINCT h FROM unnest(personal_keys.holders || EXCLUDED.holders) AS h ORDER BY h)
RETURNING subject_digest, key_id, key
"""


class PostgresKeys:
    """The keys in ``personal_keys`` (migration 1201), read and written through ``db`` (a
    pool, or a connection whose transaction the new keys join). No key cache: a key
    destroyed by one process is gone for every process at its next read."""

    def __init__(self, db: Any) -> None:
        self.db = db

    async def keys_for(self, people: People) -> dict[str, tuple[str, bytes]]:
        digests = sorted(people)
        rows = await self.db.fetch(
            _KEYS_FOR, digests, [uuid.uuid4().hex for _ in digests], [people[d][0] for d in digests],
            [AESGCM.generate_key(bit_length=256) for _ in digests],
            ["\x1f".join(people[d][1]) for d in digests])
        return {r["subject_digest"]: (r["key_id"], bytes(r["key"])) for r in rows}

    async def held(self, key_ids: list[str]) -> dict[str, bytes]:
        rows = await self.db.fetch("SELECT key_id, key FROM personal_keys WHERE key_id = ANY($1::text[])"
                                   " AND key IS NOT NULL", key_ids)
        return {r["key_id"]: bytes(r["key"]) for r in rows}

    async def holders_of(self, subject: str) -> list[str] | None:
        row = await self.db.fetchrow("SELECT holders FROM personal_keys WHERE subject_digest = $1",
                                     digest(subject))
        return None if row is None else [h for h in row["holders"] or [] if h]

    async def destroy(self, subject: str) -> Forgotten | None:
        """The row stays, without key or name, as the record that something was forgotten
        and when."""
        row = await self.db.fetchrow(
            "UPDATE personal_keys SET key = NULL, subject_digest = NULL, forgotten_at = clock_timestamp()"
            " WHERE subject_digest = $1 RETURNING key_id, holders", digest(subject))
        if row is None:
            return None
        return Forgotten(subject=subject, key_ids=[row["key_id"]], holders=[h for h in row["holders"] or [] if h])


@dataclasses.dataclass
class _Held:
    key_id: str
    key: bytes | None
    holders: set[str]


class MemoryKeys:
    """The keys of the in-memory event store, kept as ``PostgresKeys`` keeps them."""

    def __init__(self) -> None:
        self._by_subject: dict[str, _Held] = {}
        self._by_id: dict[str, _Held] = {}

    async def keys_for(self, people: People) -> dict[str, tuple[str, bytes]]:
        out = {}
        for subject, (_, holders) in people.items():
            held = self._by_subject.get(subject)
            if held is None:
                held = _Held(uuid.uuid4().hex, AESGCM.generate_key(bit_length=256), set())
                self._by_subject[subject] = self._by_id[held.key_id] = held
            held.holders.update(holders)
            assert held.key is not None
            out[subject] = (held.key_id, held.key)
        return out

    async def held(self, key_ids: list[str]) -> dict[str, bytes]:
        return {i: h.key for i in key_ids if (h := self._by_id.get(i)) is not None and h.key is not None}

    async def holders_of(self, subject: str) -> list[str] | None:
        held = self._by_subject.get(digest(subject))
        return None if held is None else sorted(held.holders)

    async def destroy(self, subject: str) -> Forgotten | None:
        held = self._by_subject.pop(digest(subject), None)
        if held is None:
            return None
        held.key = None
        return Forgotten(subject=subject, key_ids=[held.key_id], holders=sorted(held.holders))


async def seal(keys: KeyTable, events: Sequence[Event]) -> list[str]:
    """The stored JSON of each event, its personal fields encrypted under their person's key
    (made on first use; with ``PostgresKeys`` over a connection, in its transaction)."""
    wanted = _wanted(events)
    subjects = sorted({s for _, found in wanted for _, _, s in found})
    found_keys: dict[str, tuple[str, bytes]] = {}
    if subjects:
        people: dict[str, tuple[str, set[str]]] = {}
        for s in subjects:
            subject, _, holder = s.partition("\x00")
            holders = people.setdefault(digest(subject), (subject.partition(":")[0], set()))[1]
            if holder:
                holders.add(holder)
        found_keys = await keys.keys_for({d: (kind, sorted(h)) for d, (kind, h) in people.items()})
    stored = []
    for event, (payload, found) in zip(events, wanted, strict=True):
        if payload is None:
            stored.append(encode_event(event).decode())
            continue
        for item, spec, s in found:
            key_id, key = found_keys[digest(s.partition("\x00")[0])]
            for field in spec.fields:
                value = item.get(field)
                if isinstance(value, str) and value and not value.startswith(PREFIX):
                    item[field] = _encrypt(key_id, key, value)
        stored.append(msgspec.json.encode(payload).decode())
    return stored


def _encrypt(key_id: str, key: bytes, value: str) -> str:
    nonce = secrets.token_bytes(12)
    body = AESGCM(key).encrypt(nonce, value.encode(), key_id.encode())
    return f"{PREFIX}{key_id}:{base64.urlsafe_b64encode(nonce + body).decode()}"


def _decrypt(keys: dict[str, bytes], text: str) -> str:
    match = _ENVELOPE.fullmatch(text)
    if match is None:
        return text
    key = keys.get(match.group(1))
    if key is None:
        return REMOVED
    raw = base64.urlsafe_b64decode(match.group(2))
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], match.group(1).encode()).decode()
    except (InvalidTag, ValueError):
        return REMOVED


def _walk(node: Any, keys: dict[str, bytes]) -> Any:
    if isinstance(node, str):
        return _decrypt(keys, node) if node.startswith(PREFIX) else node
    if isinstance(node, list):
        return [_walk(v, keys) for v in node]
    if isinstance(node, dict):
        return {k: _walk(v, keys) for k, v in node.items()}
    return node


async def opened(keys: KeyTable, raws: Sequence[Any]) -> list[Any]:
    """The stored events (``RawEvent``s) with their personal data in clear, or ``REMOVED``
    where the person's key is gone. Events without personal data pass through untouched;
    one key lookup per batch."""
    key_ids = {m for raw in raws if PREFIX in raw.data for m in _KEY_IDS.findall(raw.data)}
    if not key_ids:
        return list(raws)
    held = await keys.held(sorted(key_ids))
    return [dataclasses.replace(raw, data=msgspec.json.encode(_walk(msgspec.json.decode(raw.data), held)).decode())
            if PREFIX in raw.data else raw for raw in raws]


class Forgotten(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    key_ids: list[str]
    holders: list[str]
