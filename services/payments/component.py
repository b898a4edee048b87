"""What the payments context contributes to the composition root."""

from infra.components import Component
from services.payments.api import InvoiceController, PaymentController
from services.payments.deciders.invoice import DEEMED_ACCEPTANCE
from services.payments.reactors import PaymentStarter
from services.payments.readmodel.invoices import InvoiceListProjection
from services.payments.readmodel.terms import PaymentTermsProjection
from services.payments.timers import deemed_acceptance
from services.payments.webhook import stripe_webhook

COMPONENT = Component(
    name="payments",
    route_handlers=[InvoiceController, PaymentController, stripe_webhook],
    projections=lambda civic: [PaymentTermsProjection(), InvoiceListProjection()],
    reactors=lambda civic: [PaymentStarter(civic)],
    timer_handlers=lambda civic: {DEEMED_ACCEPTANCE: deemed_acceptance(civic)},
)
