"""Streaming AEAD of document bodies: round trips, ranges, and every way to tamper."""

import hashlib
import io

import pytest

from services.documents.sealing import (
    CHUNK,
    HEADER,
    RangeOpener,
    SealError,
    SealingWriter,
    bid_document_sealer,
    ephemeral_sealer,
    open_all,
    sealed_size,
    span,
)

MASTER = b"unit-test-master-key-0123456789"


def _seal(data: bytes, sealer) -> bytes:
    out = io.BytesIO()
    writer = SealingWriter(out, sealer)
    for i in range(0, len(data), 10_000):
        writer.write(data[i:i + 10_000])
    writer.close()
    return out.getvalue()


def _sealer(data: bytes, bid: str = "bid_1"):
    return bid_document_sealer(MASTER, solicitation_id="sol_1", bid_id=bid, vendor_id="v_1",
                               plaintext_sha256=hashlib.sha256(data).hexdigest())


@pytest.mark.parametrize("size", [1, 100, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])
def test_round_trip_and_stored_size(size):
    data = bytes(i % 251 for i in range(size))
    sealed = _seal(data, _sealer(data))
    assert len(sealed) == sealed_size(size)
    assert data not in sealed
    pieces = [sealed[i:i + 7_777] for i in range(0, len(sealed), 7_777)]
    assert b"".join(open_all(_sealer(data), size, pieces)) == data


@pytest.mark.parametrize(("start", "end"), [(0, 0), (5, CHUNK + 5), (CHUNK, 2 * CHUNK - 1),
                                            (CHUNK - 1, CHUNK), (3 * CHUNK, 3 * CHUNK + 16)])
def test_a_range_opens_only_the_chunks_it_covers(start, end):
    data = bytes(i % 253 for i in range(3 * CHUNK + 17))
    sealed = _seal(data, _sealer(data))
    where = span(len(data), start, end)
    opener = RangeOpener(_sealer(data), len(data), start, end)
    stored = sealed[where.stored_start:where.stored_end + 1]
    got = b"".join(p for i in range(0, len(stored), 1000) for p in opener.feed(stored[i:i + 1000]))
    opener.finish()
    assert got == data[start:end + 1]


def test_the_same_bytes_in_the_same_bid_seal_alike_and_differ_across_bids():
    data = b"technical proposal " * 5000
    assert _seal(data, _sealer(data)) == _seal(data, _sealer(data))
    assert _seal(data, _sealer(data)) != _seal(data, _sealer(data, bid="bid_2"))


def test_a_flipped_byte_a_dropped_chunk_or_a_truncation_does_not_open():
    data = bytes(range(256)) * (CHUNK // 128)  # two chunks
    sealed = _seal(data, _sealer(data))
    flipped = bytearray(sealed)
    flipped[HEADER + 10] ^= 1
    with pytest.raises(SealError):
        b"".join(open_all(_sealer(data), len(data), [bytes(flipped)]))
    with pytest.raises(SealError):  # the first chunk alone is not flagged final
        b"".join(open_all(_sealer(data), CHUNK, [sealed[:HEADER + CHUNK + 16]]))
    with pytest.raises(SealError):
        b"".join(open_all(_sealer(data), len(data), [sealed[:-1]]))


def test_another_bid_or_key_does_not_open_it():
    data = b"price sheet"
    sealed = _seal(data, _sealer(data))
    with pytest.raises(SealError):
        b"".join(open_all(_sealer(data, bid="bid_2"), len(data), [sealed]))
    with pytest.raises(SealError):
        b"".join(open_all(ephemeral_sealer(), len(data), [sealed]))
