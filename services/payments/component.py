"""What the payments context contributes to the composition root."""

from infra.components import Component
from services.payments.api import InvoiceController, PaymentController
from services.payments.invoice import DEEMED_ACCEPTANCE
from services.payments.invoice_view import InvoiceListProjection
from services.payments.reactor import PaymentStarter
from services.payments.terms_view import PaymentTermsProjection
from services.payments.timers import deemed_acceptance
from services.payments.webhook import stripe_webhook

COMPONENT = Component(
    name="payments",
    route_handlers=[InvoiceController, PaymentController, stripe_webhook],
    projections=lambda civic: [PaymentTermsProjection(), InvoiceListProjection()],
    reactors=lambda civic: [PaymentStarter(civic)],
    timer_handlers=lambda civic: {DEEMED_ACCEPTANCE: deemed_acceptance(civic)},
)
