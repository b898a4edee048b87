"""What the payment_audit context contributes to the composition root."""

from infra.components import Component
from projections.payment_audit.api import PaymentAuditController, PromptPaymentReportController
from projections.payment_audit.projection import PaymentAuditProjection

COMPONENT = Component(
    name="payment_audit",
    route_handlers=[PaymentAuditController, PromptPaymentReportController],
    projections=lambda civic: [PaymentAuditProjection()],
)
