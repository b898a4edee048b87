"""Reconciliation and the audit hash chain, as pure functions."""

from datetime import UTC, datetime

from projections.payment_audit.chain import GENESIS, entry_hash, first_broken
from services.payments.gateway import IntentState
from services.payments.reconcile import compare


def intent(intent_id, status, amount=1000, refunded=0, **meta):
    return IntentState(intent_id=intent_id, status=status, amount=amount, amount_received=0,
                       currency="USD", metadata=meta, refunded=refunded)


def payment(payment_id, intent_id, status, amount=1000, interest=0, refunded=0):
    return {"payment_id": payment_id, "stripe_payment_intent": intent_id, "status": status,
            "amount": amount, "interest": interest, "currency": "USD", "refunded": refunded}


def test_compare_lists_each_kind_of_difference():
    ours = [payment("p1", "pi_1", "succeeded"), payment("p2", "pi_2", "processing"),
            payment("p3", "pi_3", "succeeded", amount=900, interest=100),
            payment("p4", "pi_4", "failed", amount=500), payment("p5", "pi_gone", "processing"),
            payment("p6", "pi_6", "succeeded", refunded=300)]
    stripe = [intent("pi_1", "succeeded"), intent("pi_2", "succeeded"), intent("pi_3", "succeeded"),
              intent("pi_6", "succeeded", refunded=500),
              intent("pi_4", "requires_payment_method", amount=700), intent("pi_old", "requires_payment_method"),
              intent("pi_x", "succeeded", payment_id="p9")]
    found = compare(ours, {"pi_1", "pi_2", "pi_3", "pi_4", "pi_5", "pi_6", "pi_old"}, stripe)
    assert [(m.kind, m.payment_id) for m in found] == [
        ("status", "p2"), ("amount", "p4"), ("missing_at_stripe", "p5"), ("refund", "p6"),
        ("unknown_at_stripe", "p9")]


def _chain(n):
    entries, prev = [], GENESIS
    for seq in range(1, n + 1):
        entry = {"agency_id": "ag", "seq": seq, "event_id": f"e{seq}", "event_type": "t",
                 "occurred_at": datetime(2026, 1, seq, tzinfo=UTC), "actor": "u", "actor_role": "finance",
                 "contract_id": "c", "invoice_id": "i", "payment_id": None, "vendor_id": "v",
                 "amount": seq * 100, "currency": "USD", "summary": "s", "prev_hash": prev}
        entry["hash"] = entry_hash(entry)
        prev = entry["hash"]
        entries.append(entry)
    return entries


def test_an_intact_chain_verifies_and_any_change_is_found_where_it_happened():
    entries = _chain(5)
    assert first_broken(entries) is None
    altered = [dict(e) for e in entries]
    altered[2]["amount"] = 1
    assert (first_broken(altered).seq, first_broken(altered).reason) == (3, "content does not match its hash")
    removed = entries[:1] + entries[2:]
    assert first_broken(removed).seq == 3 and "missing" in first_broken(removed).reason
    relinked = [dict(e) for e in entries]
    relinked[3]["prev_hash"] = GENESIS
    relinked[3]["hash"] = entry_hash(relinked[3])  # a forger who rehashes one entry still breaks the link
    assert first_broken(relinked).seq == 4
