"""Webhook signatures: a receiver accepts a genuine delivery and rejects a forged one, a
replay of a captured one after the tolerance, and one with a stale or missing timestamp."""

from __future__ import annotations

import pytest

from services.notifications.signing import SignatureError, sign, verify

SECRET = "whsec_test"
BODY = b'{"id":"e1","type":"solicitation.published"}'
T = 1_800_000_000


def test_a_genuine_delivery_is_accepted():
    assert verify(SECRET, sign(SECRET, T, BODY), BODY, now=T + 5) == T


@pytest.mark.parametrize("header, body", [
    (sign("whsec_other", T, BODY), BODY),                       # signed with another secret
    (sign(SECRET, T, BODY), BODY.replace(b"e1", b"e2")),        # body changed in transit
    (sign(SECRET, T, BODY).replace(f"t={T}", f"t={T + 1}"), BODY),  # timestamp changed
    (f"t={T},v1=" + "0" * 64, BODY),                            # made up
])
def test_forgeries_are_rejected(header, body):
    with pytest.raises(SignatureError, match="does not match"):
        verify(SECRET, header, body, now=T)


def test_a_replay_after_the_tolerance_is_rejected():
    captured = sign(SECRET, T, BODY)
    with pytest.raises(SignatureError, match="tolerance"):
        verify(SECRET, captured, BODY, now=T + 301)
    with pytest.raises(SignatureError, match="tolerance"):
        verify(SECRET, captured, BODY, now=T - 301)  # from the future: a skewed clock


def test_a_header_without_a_timestamp_is_rejected():
    with pytest.raises(SignatureError, match="no timestamp"):
        verify(SECRET, "v1=abc", BODY, now=T)


def test_several_v1_values_let_a_receiver_rotate_secrets():
    header = sign(SECRET, T, BODY) + ",v1=" + sign("whsec_new", T, BODY).split("v1=")[1]
    assert verify("whsec_new", header, BODY, now=T) == T
