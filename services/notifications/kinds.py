"""The kinds of notice and of webhook event: names are part of the API (preferences,
subscriptions), so they are listed here once."""

from __future__ import annotations

from typing import Final

INSTANT, DIGEST, OFF = "instant", "digest", "off"
MODES: Final = (INSTANT, DIGEST, OFF)

#: email notice kinds; a notice a bidder must receive (an addendum to a solicitation it
#: bid on, award and protest decisions, its bid receipt) is sent whatever the preference
NOTICE_KINDS: Final = (
    "opportunity",           # new solicitation matching a followed commodity code
    "addendum",              # to bidders, askers and followers
    "answer",                # a published answer, same audience
    "cancelled",             # a solicitation was cancelled, same audience
    "deadline_reminder",     # 3 business days before the deadline, followers who have not bid
    "bid_receipt",           # received-at and SHA-256 of the sealed submission
    "opening",               # the bids were opened
    "intent_to_award",       # notice of intent, to every bidder
    "protest_filed",
    "protest_decided",
    "award",                 # final award, to every bidder
    "registration_renewal",  # 60, 30 and 15 days before the registration expires
    "certification_expiry",  # 30 days before a certification expires
    "contract_expiry",       # 90, 60 and 30 days before a contract ends, to the buyer
    "option_deadline",       # before a contract option's exercise deadline, to the buyer
    "deliverable_overdue",   # a contract deliverable's due date passed, to the buyer and the vendor
    "invoice",               # accepted, disputed, approved, to the vendor
    "payment",               # sent, failed, refunded, to the vendor
    "invoice_due",           # nearing its prompt-payment due date, to finance
    "webhook_disabled",      # to the subscription's owner
)

#: what the unsubscribe link of a daily digest names: every kind held for the digest
DIGEST_LIST: Final = "digest"

#: kinds that can never be switched off or held for a digest
ALWAYS_SENT: Final = frozenset({"bid_receipt", "webhook_disabled"})

WEBHOOK_KINDS: Final = (
    "solicitation.published", "solicitation.addendum", "solicitation.answer",
    "solicitation.cancelled", "solicitation.opened",
    "bid.received",
    "award.intent", "award.protest_filed", "award.protest_decided", "award.finalized",
    "contract.opened", "contract.expiring",
    "invoice.submitted", "invoice.accepted", "invoice.disputed", "invoice.approved",
    "payment.succeeded", "payment.failed", "payment.refunded",
)

LANGUAGES: Final = ("en", "es")
