"""Who may call each route: the checked-in table the authorization matrix tests against.

Keys are ``(METHOD, path template)`` exactly as the app's route table spells them. Every
route must have an entry (a new route without one fails the matrix), and every entry
must name a route that exists (a removed route fails too).

- ``PUBLIC``: anyone, with or without a token. An invalid token is still refused (401).
- ``roles(...)``: only tokens with one of these roles; no token -> 401, other roles ->
  403 ``role_forbidden``. With the random ids the matrix uses, an allowed role gets past
  the role check and then usually a 404 (no such resource), a 422 (the empty body the
  matrix sends) or a 403 with another code (the route's own rule, e.g. ``no_vendor``:
  the token's vendor is not registered): anything but 401 or ``role_forbidden``, and
  never a 5xx. Rules about whose resource it is (another agency's solicitation, another
  vendor's bid) need real resources and are tested in test_tenant_isolation.py.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES = frozenset({"vendor", "buyer", "evaluator", "finance", "auditor", "admin"})


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    public: bool = False
    #: when set, the only statuses an allowed caller may get with the matrix's request
    allowed_statuses: frozenset[int] | None = None


PUBLIC = Access(roles=ALL_ROLES, public=True)
# No bearer token needed, but the body must carry Stripe's signature: unsigned -> 400.
STRIPE_SIGNED = Access(roles=ALL_ROLES, public=True, allowed_statuses=frozenset({400}))
# No bearer token needed; the path carries a signed token, so a made-up one is not found.
UNSUBSCRIBE_LINK = Access(roles=ALL_ROLES, public=True, allowed_statuses=frozenset({404}))

# A portal form anyone may send, but only with this browser's form token: without it, 403.
PORTAL_FORM = Access(roles=ALL_ROLES, public=True, allowed_statuses=frozenset({403}))


def roles(*names: str) -> Access:
    unknown = set(names) - ALL_ROLES
    assert not unknown, f"unknown roles {unknown}"
    return Access(roles=frozenset(names))


AGENCY_STAFF = ("admin", "buyer", "finance", "auditor", "evaluator")
VENDOR_OR_ADMIN = ("vendor", "admin")
# Bids are read by their vendor and, after opening, by the agency's procurement staff
# and oversight; the sealed-bid rules inside the route narrow that further.
BID_READERS = ("vendor", "buyer", "evaluator", "auditor", "admin")
INVOICE_READERS = ("vendor", "finance", "buyer", "auditor", "admin")
CONTRACT_PARTIES = ("buyer", "vendor", "finance", "auditor", "admin")
ORDER_READERS = ("buyer", "finance", "vendor", "auditor", "admin")

SPEC: dict[tuple[str, str], Access] = {
    # system
    ("GET", "/health"): PUBLIC,
    ("GET", "/ready"): PUBLIC,
    ("GET", "/schema"): PUBLIC,
    ("GET", "/schema/openapi.json"): PUBLIC,
    ("GET", "/schema/swagger"): PUBLIC,
    ("GET", "/static/portal/{file_path:path}"): PUBLIC,
    ("HEAD", "/static/portal/{file_path:path}"): PUBLIC,
    ("GET", "/static/swagger-ui/{file_path:path}"): PUBLIC,
    ("HEAD", "/static/swagger-ui/{file_path:path}"): PUBLIC,
    ("GET", "/schema/{path:str}"): PUBLIC,
    # the portal's pages: public pages show what the API shows the caller; a vendor's pages
    # are the vendor's (each page acts through the API, so its rules apply unchanged)
    ("GET", "/"): PUBLIC,
    ("GET", "/opportunities"): PUBLIC,
    ("GET", "/opportunities/{solicitation_id:str}"): PUBLIC,
    ("GET", "/sign-in"): PUBLIC,
    ("POST", "/sign-in"): PORTAL_FORM,
    ("POST", "/sign-out"): PORTAL_FORM,
    ("POST", "/language"): PORTAL_FORM,
    ("GET", "/vendor"): roles("vendor"),
    ("GET", "/vendor/register"): roles("vendor"),
    ("POST", "/vendor/register"): roles("vendor"),
    ("POST", "/vendor/{vendor_id:str}/submit"): roles("vendor"),
    ("GET", "/opportunities/{solicitation_id:str}/bid"): roles("vendor"),
    ("POST", "/opportunities/{solicitation_id:str}/bid"): roles("vendor"),
    ("GET", "/admin/vendors"): roles("admin"),
    ("POST", "/admin/vendors/{vendor_id:str}/approve"): roles("admin"),
    ("POST", "/admin/vendors/{vendor_id:str}/reject"): roles("admin"),
    ("GET", "/api/v1/dev/clock"): roles("admin"),
    ("POST", "/api/v1/dev/clock"): roles("admin"),
    # agencies
    ("POST", "/api/v1/agencies"): roles("admin"),
    ("GET", "/api/v1/agencies/{agency_id:str}"): roles(*AGENCY_STAFF),
    ("PUT", "/api/v1/agencies/{agency_id:str}/goals"): roles("admin"),
    # vendors: the public part of a record is open; its users and admins see the rest
    ("POST", "/api/v1/vendors"): roles("vendor"),
    ("GET", "/api/v1/vendors/{vendor_id:str}"): PUBLIC,
    ("PATCH", "/api/v1/vendors/{vendor_id:str}"): roles(*VENDOR_OR_ADMIN),
    ("POST", "/api/v1/vendors/{vendor_id:str}/submit"): roles(*VENDOR_OR_ADMIN),
    ("POST", "/api/v1/vendors/{vendor_id:str}/renew"): roles(*VENDOR_OR_ADMIN),
    ("POST", "/api/v1/vendors/{vendor_id:str}/users"): roles(*VENDOR_OR_ADMIN),
    ("POST", "/api/v1/vendors/{vendor_id:str}/certifications"): roles(*VENDOR_OR_ADMIN),
    ("GET", "/api/v1/vendors/{vendor_id:str}/history"): roles(*VENDOR_OR_ADMIN),
    # past performance: agency staff read any vendor's scorecard, a vendor only its own (in the route)
    ("GET", "/api/v1/vendors/{vendor_id:str}/scorecard"): roles(*AGENCY_STAFF, "vendor"),
    ("POST", "/api/v1/vendors/{vendor_id:str}/approve"): roles("admin"),
    ("POST", "/api/v1/vendors/{vendor_id:str}/reject"): roles("admin"),
    ("POST", "/api/v1/vendors/{vendor_id:str}/certifications/{cert_id:str}/verify"): roles("admin"),
    ("POST", "/api/v1/vendors/{vendor_id:str}/certifications/{cert_id:str}/reject"): roles("admin"),
    # exclusions (debarments)
    ("GET", "/api/v1/exclusions"): roles("admin"),
    ("POST", "/api/v1/exclusions"): roles("admin"),
    ("POST", "/api/v1/exclusions/import"): roles("admin"),
    # solicitations: buyers run them for their agency; vendors ask questions; reading is
    # public once published (drafts and the tabulation are narrowed inside the route)
    ("POST", "/api/v1/solicitations"): roles("buyer"),
    ("GET", "/api/v1/solicitations"): roles("buyer", "evaluator", "auditor", "admin"),
    ("GET", "/api/v1/solicitations/{solicitation_id:str}"): PUBLIC,
    ("PATCH", "/api/v1/solicitations/{solicitation_id:str}"): roles("buyer"),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/publish"): roles("buyer"),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/addenda"): roles("buyer"),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/cancel"): roles("buyer"),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/questions"): roles("vendor"),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/questions/{question_id:str}/answer"): roles("buyer"),
    ("GET", "/api/v1/solicitations/{solicitation_id:str}/tabulation"): PUBLIC,
    # the compliance record of a process: public once published, like the solicitation
    ("GET", "/api/v1/solicitations/{solicitation_id:str}/compliance"): PUBLIC,
    ("GET", "/api/v1/criteria-library"): PUBLIC,
    # a vendor's commodity follows and the notices they produce are the vendor's own
    ("GET", "/api/v1/follows"): roles("vendor"),
    ("POST", "/api/v1/follows"): roles("vendor"),
    ("DELETE", "/api/v1/follows/{commodity_code:str}"): roles("vendor"),
    ("GET", "/api/v1/notices"): roles("vendor"),
    # notification preferences are everyone's own; the unsubscribe link is its own credential
    # (a signed token: a random one is 404); webhooks belong to an agency admin or a vendor
    ("GET", "/api/v1/me/notification-preferences"): roles(*ALL_ROLES),
    ("PUT", "/api/v1/me/notification-preferences"): roles(*ALL_ROLES),
    ("GET", "/api/v1/unsubscribe/{token:str}"): UNSUBSCRIBE_LINK,
    ("POST", "/api/v1/unsubscribe/{token:str}"): UNSUBSCRIBE_LINK,
    ("POST", "/api/v1/webhook-subscriptions"): roles("admin", "vendor"),
    ("GET", "/api/v1/webhook-subscriptions"): roles("admin", "vendor"),
    ("DELETE", "/api/v1/webhook-subscriptions/{subscription_id:str}"): roles("admin", "vendor"),
    ("GET", "/api/v1/webhook-subscriptions/{subscription_id:str}/deliveries"): roles("admin", "vendor"),
    ("POST", "/api/v1/webhook-subscriptions/{subscription_id:str}/replay"): roles("admin", "vendor"),
    # evaluation and award: the agency's buyers run it, evaluators score, bidders protest
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/evaluators"): roles("buyer", "admin"),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/coi-declarations"): roles("evaluator"),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/scores/finalize"): roles("buyer", "admin"),
    ("GET", "/api/v1/solicitations/{solicitation_id:str}/evaluation"): roles("buyer", "admin", "auditor", "evaluator"),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/award-recommendation"): roles("buyer", "admin"),
    ("POST", "/api/v1/bids/{bid_id:str}/responsiveness"): roles("buyer", "evaluator"),
    ("POST", "/api/v1/bids/{bid_id:str}/scores"): roles("evaluator"),
    ("GET", "/api/v1/awards"): PUBLIC,
    ("GET", "/api/v1/awards/{award_id:str}"): PUBLIC,
    ("POST", "/api/v1/awards/{award_id:str}/protests"): roles("vendor"),
    ("POST", "/api/v1/awards/{award_id:str}/finalize"): roles("buyer", "admin"),
    # the protesting bidder may withdraw; only the agency dismisses or sustains (in the route)
    ("POST", "/api/v1/protests/{protest_id:str}/decision"): roles("buyer", "admin", "vendor"),
    # contracts: the agency and the vendor are parties; oversight reads
    ("GET", "/api/v1/contracts"): roles(*CONTRACT_PARTIES),
    ("GET", "/api/v1/contracts/{contract_id:str}"): roles(*CONTRACT_PARTIES),
    ("POST", "/api/v1/contracts/{contract_id:str}/sign"): roles("buyer", "vendor"),
    ("POST", "/api/v1/contracts/{contract_id:str}/modifications"): roles("buyer", "admin"),
    ("POST", "/api/v1/contracts/{contract_id:str}/modifications/{number:int}/approval"): roles("admin"),
    ("POST", "/api/v1/contracts/{contract_id:str}/performance-ratings"): roles("buyer"),
    ("POST", "/api/v1/contracts/{contract_id:str}/performance-ratings/{rating_id:str}/response"): roles("vendor"),
    ("POST", "/api/v1/contracts/{contract_id:str}/complete"): roles("buyer", "admin"),
    ("POST", "/api/v1/contracts/{contract_id:str}/terminate"): roles("buyer", "admin"),
    # phases and options, deliverables, renewal: the agency's buyers decide, the vendor
    # submits, an approver (admin) justifies; everyone else reads through GET /contracts/{id}
    ("POST", "/api/v1/contracts/{contract_id:str}/phases"): roles("buyer"),
    ("POST", "/api/v1/contracts/{contract_id:str}/phases/{phase_id:str}/reviews"): roles("buyer"),
    ("POST", "/api/v1/contracts/{contract_id:str}/phases/{phase_id:str}/reviews/{review_id:str}/justification"):
        roles("admin"),
    ("POST", "/api/v1/contracts/{contract_id:str}/options/{option_id:str}/exercise"): roles("buyer", "admin"),
    ("POST", "/api/v1/contracts/{contract_id:str}/deliverables"): roles("buyer"),
    ("POST", "/api/v1/contracts/{contract_id:str}/deliverables/{deliverable_id:str}/submissions"): roles("vendor"),
    ("POST", "/api/v1/contracts/{contract_id:str}/deliverables/{deliverable_id:str}/submissions/"
             "{submission_id:str}/decision"): roles("buyer"),
    ("POST", "/api/v1/contracts/{contract_id:str}/renewal-stage"): roles("buyer"),
    # invoices and payments: vendors invoice, finance accepts, approves and pays
    ("POST", "/api/v1/contracts/{contract_id:str}/invoices"): roles("vendor"),
    # marketplace: the listing is public; a participation is the lead agency's and the
    # participant's; an order is its agency's, its vendor's and oversight's
    ("GET", "/api/v1/marketplace/contracts"): PUBLIC,
    ("GET", "/api/v1/marketplace/contracts/{contract_id:str}"): PUBLIC,
    ("POST", "/api/v1/contracts/{contract_id:str}/participants"): roles("buyer"),
    ("GET", "/api/v1/contracts/{contract_id:str}/participants"): roles("buyer", "finance", "auditor", "admin"),
    ("POST", "/api/v1/contracts/{contract_id:str}/participants/{agency_id:str}/approve"): roles("buyer", "admin"),
    ("POST", "/api/v1/purchase-orders"): roles("buyer"),
    ("GET", "/api/v1/purchase-orders"): roles(*ORDER_READERS),
    ("GET", "/api/v1/purchase-orders/{order_id:str}"): roles(*ORDER_READERS),
    ("POST", "/api/v1/purchase-orders/{order_id:str}/accept"): roles("vendor"),
    ("POST", "/api/v1/purchase-orders/{order_id:str}/reject"): roles("vendor"),
    ("POST", "/api/v1/purchase-orders/{order_id:str}/cancel"): roles("buyer"),
    ("POST", "/api/v1/purchase-orders/{order_id:str}/receipts"): roles("buyer"),
    ("POST", "/api/v1/quote-requests"): roles("buyer"),
    ("GET", "/api/v1/quote-requests/{request_id:str}"): roles(*ORDER_READERS),
    ("POST", "/api/v1/quote-requests/{request_id:str}/quotes"): roles("vendor"),
    ("GET", "/api/v1/invoices"): roles(*INVOICE_READERS),
    ("GET", "/api/v1/invoices/{invoice_id:str}"): roles(*INVOICE_READERS),
    ("POST", "/api/v1/invoices/{invoice_id:str}/accept"): roles("finance"),
    ("POST", "/api/v1/invoices/{invoice_id:str}/dispute"): roles("finance"),
    ("POST", "/api/v1/invoices/{invoice_id:str}/resubmit"): roles("vendor"),
    ("POST", "/api/v1/invoices/{invoice_id:str}/receipt"): roles("buyer", "finance"),
    ("POST", "/api/v1/invoices/{invoice_id:str}/approve"): roles("finance"),
    ("GET", "/api/v1/payments/{payment_id:str}"): roles(*INVOICE_READERS),
    ("POST", "/api/v1/payments/{payment_id:str}/retry"): roles("finance"),
    ("POST", "/api/v1/payments/{payment_id:str}/refund"): roles("finance"),
    ("PUT", "/api/v1/payments/funding-sources/{agency_id:str}"): roles("finance", "admin"),
    ("POST", "/api/v1/webhooks/stripe"): STRIPE_SIGNED,
    # the payment audit trail and prompt-payment report: finance and oversight only
    ("GET", "/api/v1/payments/audit"): roles("finance", "auditor", "admin"),
    ("GET", "/api/v1/payments/audit/export"): roles("finance", "auditor", "admin"),
    ("GET", "/api/v1/payments/audit/verify"): roles("finance", "auditor", "admin"),
    ("GET", "/api/v1/reports/prompt-payment"): roles("finance", "auditor", "admin"),
    # oversight: the activity trail
    ("GET", "/api/v1/activity"): roles("auditor", "admin"),
    # bids: only vendors write them
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/bids"): roles("vendor"),
    ("PUT", "/api/v1/bids/{bid_id:str}"): roles("vendor"),
    ("POST", "/api/v1/bids/{bid_id:str}/withdraw"): roles("vendor"),
    ("POST", "/api/v1/bids/{bid_id:str}/acknowledge-addendum"): roles("vendor"),
    ("GET", "/api/v1/bids/{bid_id:str}"): roles(*BID_READERS),
    # records: proof of what the record said
    ("GET", "/api/v1/records/verify"): roles("auditor", "admin"),
    ("GET", "/api/v1/records/public-key"): PUBLIC,
    ("GET", "/api/v1/records/processes/{solicitation_id:str}/bundle"): roles("auditor", "admin", "buyer"),
    # open data and search: public by design (drafts and sealed content never enter them)
    ("GET", "/api/v1/ocds/records"): PUBLIC,
    ("GET", "/api/v1/ocds/records/{ocid:str}"): PUBLIC,
    ("GET", "/api/v1/ocds/releases"): PUBLIC,
    ("GET", "/api/v1/ocds/releases/{release_id:str}"): PUBLIC,
    ("GET", "/api/v1/search/solicitations"): PUBLIC,
    ("GET", "/api/v1/search/vendors"): PUBLIC,
    # supplier-diversity reports: agency staff who buy or pay and oversight (projections/diversity/access.py)
    ("GET", "/api/v1/reports/supplier-diversity"): roles("buyer", "finance", "auditor", "admin"),
    ("GET", "/api/v1/reports/supplier-diversity/chart.svg"): roles("buyer", "finance", "auditor", "admin"),
    # spend analytics and the forecast: the same readers (projections/spend/access.py)
    ("GET", "/api/v1/reports/spend"): roles("buyer", "finance", "auditor", "admin"),
    ("GET", "/api/v1/reports/spend/chart.svg"): roles("buyer", "finance", "auditor", "admin"),
    ("GET", "/api/v1/reports/forecast"): roles("buyer", "finance", "auditor", "admin"),
    ("GET", "/api/v1/reports/renewals"): roles("buyer", "finance", "auditor", "admin"),
    # assistance: a vendor's opportunities are its own; a buyer's suggestions are the agency's
    ("GET", "/api/v1/vendors/{vendor_id:str}/opportunities"): roles(*VENDOR_OR_ADMIN),
    ("POST", "/api/v1/vendors/{vendor_id:str}/opportunities/{solicitation_id:str}/not-relevant"): roles("vendor"),
    ("GET", "/api/v1/solicitations/{solicitation_id:str}/suggested-vendors"): roles("buyer", "admin"),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/invitations"): roles("buyer"),
    ("GET", "/api/v1/solicitations/{solicitation_id:str}/similar"): roles("buyer", "auditor", "admin"),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/similar/review"): roles("buyer"),
    ("GET", "/api/v1/solicitations/{solicitation_id:str}/assistance-record"): roles("buyer", "auditor", "admin"),
    # oversight
    ("GET", "/api/v1/risk-flags"): roles("auditor", "admin", "buyer"),
    # documents: uploaded by the parties of each parent; read by who may read the parent's
    # documents (services/documents/rules.py); a sealed bid's only by its vendor until the opening
    ("POST", "/api/v1/solicitations/{parent_id:str}/documents"): roles("buyer"),
    ("GET", "/api/v1/solicitations/{parent_id:str}/documents"): PUBLIC,
    ("POST", "/api/v1/bids/{parent_id:str}/documents"): roles("vendor"),
    ("GET", "/api/v1/bids/{parent_id:str}/documents"): roles(*BID_READERS),
    ("POST", "/api/v1/vendors/{parent_id:str}/documents"): roles("vendor"),
    ("GET", "/api/v1/vendors/{parent_id:str}/documents"): roles("vendor", "admin", "auditor"),
    ("POST", "/api/v1/contracts/{parent_id:str}/documents"): roles("buyer", "vendor"),
    ("GET", "/api/v1/contracts/{parent_id:str}/documents"): roles(*CONTRACT_PARTIES),
    ("POST", "/api/v1/invoices/{parent_id:str}/documents"): roles("vendor"),
    ("GET", "/api/v1/invoices/{parent_id:str}/documents"): roles(*INVOICE_READERS),
    ("POST", "/api/v1/protests/{parent_id:str}/documents"): roles("vendor", "buyer"),
    ("GET", "/api/v1/protests/{parent_id:str}/documents"): roles("vendor", "buyer", "auditor", "admin"),
    ("GET", "/api/v1/documents/{document_id:str}"): PUBLIC,
    ("GET", "/api/v1/documents/{document_id:str}/content"): PUBLIC,
}
