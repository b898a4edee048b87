"""The payment audit trail: every money event with actor and time, hash-chained per
agency, with finance views, a CSV export and the prompt-payment compliance report."""

from infra.components import Component
from projections.payment_audit.api import PaymentAuditController, PromptPaymentReportController
from projections.payment_audit.projection import PaymentAuditProjection

COMPONENT = Component(
    name="payment_audit",
    route_handlers=[PaymentAuditController, PromptPaymentReportController],
    projections=lambda civic: [PaymentAuditProjection()],
)
