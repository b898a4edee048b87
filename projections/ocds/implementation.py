"""Payment events -> contract implementation transactions (spending).

A payment is public once it succeeded: principal and any late-payment interest are
separate transactions, a refund a negative one. Failures and disputes are not published.
"""

from __future__ import annotations

from typing import Any

from events.base import Event
from events.payments import PaymentRefunded, PaymentStarted, PaymentSucceeded
from projections.ocds.process import Change, Process, Refs
from projections.ocds.values import timestamp, value


def _transaction(
    tx_id: str,
    date: str,
    money: dict[str, Any],
    payer: str,
    payee: str,
    refs: Refs,
    *,
    sign: int = 1,
) -> dict[str, Any]:
    return {
        "id": tx_id,
        "date": date,
        "value": value(money, sign=sign),
        "payer": refs(payer),
        "payee": refs(payee),
    }


def payment_change(
    event: Event,
    data: dict[str, Any],
    payment: dict[str, Any],
    process: Process,
    when: str,
    refs: Refs,
    event_id: str,
) -> Change | None:
    """``payment``: what the projection remembers of the payment (contract, agency, vendor)."""
    contract_id = payment["contract_id"]
    if contract_id not in process.contracts:
        return None
    agency, vendor = payment["agency_id"], payment["vendor_id"]
    match event:
        case PaymentSucceeded():
            paid = timestamp(data["paid_at"])
            transactions = [
                _transaction(data["payment_id"], paid, data["amount"], agency, vendor, refs)
            ]
            if data.get("interest") and data["interest"]["amount"] > 0:
                transactions.append(
                    _transaction(
                        f"{data['payment_id']}-interest",
                        paid,
                        data["interest"],
                        agency,
                        vendor,
                        refs,
                    )
                )
            tags = ["implementation"]
        case PaymentRefunded():
            refund = data.get("refund_id") or event_id
            transactions = [
                _transaction(
                    f"{data['payment_id']}-refund-{refund}",
                    timestamp(data.get("refunded_at") or when),
                    data["amount"],
                    agency,
                    vendor,
                    refs,
                    sign=-1,
                )
            ]
            tags = ["implementationUpdate"]
        case _:
            return None
    contract = {
        "id": contract_id,
        "awardID": process.contracts[contract_id],
        "implementation": {"transactions": transactions},
    }
    return Change(tags, {"contracts": [contract]}, [(agency, "payer"), (vendor, "payee")])


PAYMENT_EVENTS: frozenset[type[Event]] = frozenset(
    {
        PaymentStarted,
        PaymentSucceeded,
        PaymentRefunded,
    }
)
