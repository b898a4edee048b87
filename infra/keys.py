"""The key ring: versioned token-signing keys and sealed-bid master keys.

Where keys live, so that every process agrees:
- Until the first rotation there is no ring file. The one signing key is
  ``CIVIC_SIGNING_KEY`` (or ``CIVIC_SIGNING_KEY_FILE``; in development, generated once
  into ``<data_dir>/signing.key``) and is key ``k1``; the one bid master key is
  ``CIVIC_BID_KEY`` (``_FILE``, or ``<data_dir>/bid.key``) and is bid key version 1.
- ``civic keys rotate signing|bids`` writes the ring file ``CIVIC_KEYRING_FILE``
  (default ``<data_dir>/keyring.json``, mode 0600), seeded with those keys: from then on
  the file is the source of truth. Give every process the same file (the same data
  folder, or one mounted secret); a process re-reads it when it changes and whenever it
  meets a key id or version it does not know, so a key activated by one process is
  accepted by the others without a restart.

Signing keys have ids (``kid`` in the token header). The active one signs; every key in
the ring verifies, so tokens minted before a rotation stay valid until they expire or
their key is retired. Bid keys have integer versions; a sealed bid records the version
that sealed it and opens with that version for as long as the ring holds it, which is
why bid keys are never retired by the command line.

Under a bid master key, each solicitation has a key of its own (``solicitation_key``,
HKDF-SHA256), and purposes under it their own subkeys (``subkey``): sealed bids and
sealed bid documents are encrypted under keys derived from their solicitation's key.
Sealed bids and sealed bid documents record the master version that sealed them: new
ones follow a rotation, older ones open with their own version.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from infra.settings import Settings

KINDS = ("signing", "bids")


class Key(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    secret: str
    created_at: datetime

    def __repr__(self) -> str:  # a secret: never in a log line
        return f"Key(id={self.id!r}, created_at={self.created_at.isoformat()})"


class KeySet(msgspec.Struct, frozen=True, kw_only=True):
    active: str
    keys: list[Key]

    def get(self, key_id: str) -> Key | None:
        return next((k for k in self.keys if k.id == key_id), None)


class Ring(msgspec.Struct, frozen=True, kw_only=True):
    signing: KeySet
    bids: KeySet


_encode = msgspec.json.Encoder()
_decode = msgspec.json.Decoder(Ring)


def ring_path(settings: Settings) -> Path:
    return settings.keyring_file or settings.data_dir / "keyring.json"


def _generated(path: Path, nbytes: int) -> str:
    """A random key made once into a private file (development only)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()


def initial_ring(settings: Settings) -> Ring:
    """The ring before any rotation: the configured (or generated) single keys."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    signing = settings.signing_key or _generated(settings.data_dir / "signing.key", 48)
    bid = settings.bid_key or _generated(settings.data_dir / "bid.key", 32)
    return Ring(signing=KeySet(active="k1", keys=[Key(id="k1", secret=signing, created_at=epoch)]),
                bids=KeySet(active="1", keys=[Key(id="1", secret=bid, created_at=epoch)]))


class KeyRing:
    """The process's view of the ring, re-read when the file changes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = ring_path(settings)
        self._stamp: tuple[int, int] | None = None
        self._ring: Ring | None = None

    def current(self, *, force: bool = False) -> Ring:
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            stamp = None
        if self._ring is None or stamp != self._stamp or force:
            self._ring = _decode.decode(self.path.read_bytes()) if stamp else initial_ring(self.settings)
            self._stamp = stamp
        return self._ring

    def _find(self, kind: str, key_id: str) -> Key | None:
        found = getattr(self.current(), kind).get(key_id)
        if found is None:  # another process may have just rotated: look again once
            found = getattr(self.current(force=True), kind).get(key_id)
        return found

    def active_signing(self) -> Key:
        ring = self.current()
        return ring.signing.get(ring.signing.active)  # type: ignore[return-value]

    def signing(self, kid: str) -> Key | None:
        return self._find("signing", kid)

    def signing_keys(self) -> list[Key]:
        return list(self.current().signing.keys)

    def active_bid(self) -> tuple[int, bytes]:
        ring = self.current()
        key = ring.bids.get(ring.bids.active)
        assert key is not None
        return int(key.id), key.secret.encode()

    def bid(self, version: int) -> bytes | None:
        key = self._find("bids", str(version))
        return key.secret.encode() if key else None


def keyring_for(settings: Settings) -> KeyRing:
    """One ring per settings' file (processes share files, not objects)."""
    path = ring_path(settings)
    ring = _RINGS.get(path)
    if ring is None or ring.settings.signing_key != settings.signing_key or ring.settings.bid_key != settings.bid_key:
        ring = _RINGS[path] = KeyRing(settings)
    return ring


_RINGS: dict[Path, KeyRing] = {}


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _write(path: Path, ring: Ring) -> None:
    """Atomically: a reader sees the old ring or the new one, never half of one."""
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(_encode.encode(ring))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _change(settings: Settings, kind: str, change) -> Ring:  # type: ignore[no-untyped-def]
    path = ring_path(settings)
    with _locked(path):
        ring = _decode.decode(path.read_bytes()) if path.exists() else initial_ring(settings)
        keys: KeySet = getattr(ring, kind)
        new = msgspec.structs.replace(ring, **{kind: change(keys)})
        _write(path, new)
    return new


def rotate(settings: Settings, kind: str, *, activate: bool = True, now: datetime | None = None) -> Key:
    """Add a new key of ``kind`` (and make it the active one unless ``activate`` is false,
    for clusters where the file takes a while to reach every process)."""
    if kind not in KINDS:
        raise ValueError(f"kind is one of {', '.join(KINDS)}")
    made: list[Key] = []

    def add(keys: KeySet) -> KeySet:
        if kind == "signing":
            key_id = f"k{max(int(k.id[1:]) for k in keys.keys if k.id[1:].isdigit()) + 1}"
            secret = secrets.token_urlsafe(48)
        else:
            key_id = str(max(int(k.id) for k in keys.keys) + 1)
            secret = secrets.token_urlsafe(32)
        key = Key(id=key_id, secret=secret, created_at=now or datetime.now(UTC))
        made.append(key)
        return KeySet(active=key_id if activate else keys.active, keys=[*keys.keys, key])

    _change(settings, kind, add)
    return made[0]


def activate(settings: Settings, kind: str, key_id: str) -> None:
    def make_active(keys: KeySet) -> KeySet:
        if keys.get(key_id) is None:
            raise KeyError(f"no {kind} key {key_id}")
        return KeySet(active=key_id, keys=keys.keys)

    _change(settings, kind, make_active)


def retire(settings: Settings, key_id: str) -> None:
    """Drop a signing key: tokens it signed are refused from now on."""
    def drop(keys: KeySet) -> KeySet:
        if keys.active == key_id:
            raise ValueError(f"{key_id} is the active signing key; rotate first")
        if keys.get(key_id) is None:
            raise KeyError(f"no signing key {key_id}")
        return KeySet(active=keys.active, keys=[k for k in keys.keys if k.id != key_id])

    _change(settings, "signing", drop)


_SALT = b"civic-marketplace/sealed-bids"


def master_key(settings: Settings, version: int | None = None) -> tuple[int, bytes]:
    """A bid master key and its version: the active one (what seals from now on), or the
    one of ``version`` (what sealed a stored bid or document)."""
    ring = keyring_for(settings)
    if version is None:
        return ring.active_bid()
    key = ring.bid(version)
    if key is None:
        raise RuntimeError(f"the key ring has lost bid key version {version}")
    return version, key


def solicitation_key(master: bytes, solicitation_id: str) -> bytes:
    """The 32-byte key of one solicitation's sealed content."""
    if len(master) < 16:
        raise ValueError("the bid master key must be at least 16 bytes")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT,
                info=f"solicitation:{solicitation_id}".encode())
    return hkdf.derive(master)


def subkey(key: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose, derived from ``key``."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(key)
