"""What the payments context contributes to the composition root."""

from litestar.datastructures import State
from litestar.di import Provide

from infra.components import Component
from services.payments.api import InvoiceController, PaymentController
from services.payments.deciders.invoice import DEEMED_ACCEPTANCE
from services.payments.gateway import PaymentGateway
from services.payments.paying import gateway_of
from services.payments.reactors import PaymentStarter
from services.payments.readmodel.invoices import InvoiceListProjection
from services.payments.readmodel.terms import PaymentTermsProjection
from services.payments.timers import deemed_acceptance
from services.payments.webhook import stripe_webhook


def provide_gateway(state: State) -> PaymentGateway:
    """The container's payment gateway, for the routes that move money."""
    return gateway_of(state.civic)


COMPONENT = Component(
    name="payments",
    route_handlers=[InvoiceController, PaymentController, stripe_webhook],
    projections=lambda civic: [PaymentTermsProjection(), InvoiceListProjection()],
    reactors=lambda civic: [PaymentStarter(civic)],
    timer_handlers=lambda civic: {DEEMED_ACCEPTANCE: deemed_acceptance(civic.executor)},
    dependencies={"gateway": Provide(provide_gateway, sync_to_thread=False)},
)
