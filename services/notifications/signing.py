"""Webhook signatures, Stripe-like: ``Civic-Signature: t=<unix seconds>,v1=<hex>`` where
``v1`` is HMAC-SHA256 with the subscription's secret over ``"<t>.<body>"``.

A receiver recomputes ``v1`` (rejecting forgeries), refuses a ``t`` older than its
tolerance (rejecting replays of captured requests) and may keep ``Civic-Delivery`` ids
it has seen (a delivery can arrive more than once: at least once).
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Civic-Signature"
DELIVERY_HEADER = "Civic-Delivery"
EVENT_HEADER = "Civic-Event"
TOLERANCE_S = 300


class SignatureError(ValueError):
    pass


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, now: float, tolerance_s: int = TOLERANCE_S) -> int:
    """The signed timestamp of a genuine, fresh delivery; ``SignatureError`` otherwise."""
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError):
        raise SignatureError("no timestamp in the signature header") from None
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, v) for v in fields.get("v1", [])):
        raise SignatureError("signature does not match")
    if abs(now - timestamp) > tolerance_s:
        raise SignatureError("timestamp outside the tolerance: a replay or a skewed clock")
    return timestamp
