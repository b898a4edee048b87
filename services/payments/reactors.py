"""Approval for payment starts a payment: the invoice service never calls Stripe itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from events.invoices import InvoiceApproved
from kernel.errors import Unavailable
from projections.base import types_of
from services.payments.paying import gateway_of, start_payment

if TYPE_CHECKING:
    from infra.container import Civic


class ProviderDown(ConnectionError):
    """Stripe is unreachable: the runner retries the event instead of parking it."""


class PaymentStarter:
    name = "payments.start_on_approval"
    types: frozenset[str] | None = types_of(InvoiceApproved)

    def __init__(self, civic: Civic) -> None:
        self.civic = civic

    async def react(self, event: Any) -> None:
        try:
            await start_payment(self.civic.executor, self.civic.clock, gateway_of(self.civic), event.event, command_id=f"{self.name}:{event.event_id}",
                                causation_id=event.event_id)
        except Unavailable as exc:
            raise ProviderDown(exc.message) from exc
