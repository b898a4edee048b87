"""What other contexts may know of payments, over the payments read models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class VendorPayments(msgspec.Struct, frozen=True, kw_only=True):
    """A vendor's payment record: when it was last paid, and what is still owed to it."""

    last_paid_at: datetime | None
    unpaid_invoices: int


async def vendor_payments(pool: Any, vendor_id: str) -> VendorPayments:
    row = await pool.fetchrow(
        "SELECT (SELECT max(paid_at) FROM payments_payments WHERE vendor_id = $1) AS last_paid_at,"
        " (SELECT count(*) FROM payments_invoices WHERE vendor_id = $1 AND status NOT IN ('paid', 'rejected')"
        "  AND paid_amount < total_amount) AS unpaid", vendor_id)
    return VendorPayments(last_paid_at=row["last_paid_at"], unpaid_invoices=row["unpaid"])
