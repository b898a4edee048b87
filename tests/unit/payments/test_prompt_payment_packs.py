"""Prompt payment by the agency's rule pack: the statutory rate in force on the day after
the due date, the fixed compensation, and the record of each decision. Every expected
figure is computed by hand from the cited text: simple interest, principal x rate x days
late / 365, rounded half up to the cent."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from events.base import Money
from events.invoices import InvoiceAccepted, InvoiceApproved, ServicePeriod
from kernel.context import Actor, Context
from services.payments.commands import (
    AgencyTerms,
    ApproveInvoice,
    ContractTerms,
    LineIn,
    SubmitInvoice,
)
from services.payments.deciders.invoice import INVOICE
from services.payments.prompt_payment import due_date_rule, late_charges, paid_on_date
from services.solicitations.facts import prompt_payment_terms, statutory_interest

USD_10000 = Money(amount=1_000_000, currency="USD")
EUR_10000 = Money(amount=1_000_000, currency="EUR")


def terms(jurisdiction: str, kind: str | None = "services", *, agreed: bool = False, zone: str = "UTC"):
    found = prompt_payment_terms(jurisdiction, kind, time_zone=zone, agency_rate_agreed=agreed)
    assert found is not None, jurisdiction
    return found


# -- US federal: 5 CFR 1315.10, the Treasury rate as dated data -------------------------------


def test_5_cfr_1315_10_treasury_rate_of_4_625_percent_for_the_first_half_of_2025():
    # 30 days late at 4 5/8 %: 1,000,000 x 0.04625 x 30 / 365 = 3,801.37 -> 3,801 cents
    charges = late_charges(USD_10000, date(2025, 1, 10), date(2025, 2, 9), 0.05, terms("US"))
    assert charges.interest == Money(amount=3801, currency="USD")
    [record] = charges.rules_applied
    assert (record.rule, record.pack, record.row) == ("interest_owed", "US", "interest_rates.csv:2025-01-01")
    assert "90 FR 10678" in record.citation and record.url == "https://www.federalregister.gov/d/2025-02986"
    assert "4.625 % a year in force on 2025-01-11" in record.required and record.complied is True


def test_5_cfr_1315_10_the_rate_is_the_one_in_force_on_the_day_after_the_due_date():
    # due 30 Dec 2024: interest accrues from 31 Dec, under the 4 7/8 % of July-December 2024,
    # although the payment is made in January: 1,000,000 x 0.04875 x 10 / 365 = 1,335.62 -> 1,336
    before = late_charges(USD_10000, date(2024, 12, 30), date(2025, 1, 9), 0.05, terms("US"))
    assert before.interest.amount == 1336 and before.rules_applied[0].row == "interest_rates.csv:2024-07-01"
    # due 31 Dec 2024: accrues from 1 Jan 2025, at 4 5/8 %: x 0.04625 x 10 / 365 = 1,267.12 -> 1,267
    after = late_charges(USD_10000, date(2024, 12, 31), date(2025, 1, 10), 0.05, terms("US"))
    assert after.interest.amount == 1267 and after.rules_applied[0].row == "interest_rates.csv:2025-01-01"


def test_5_cfr_1315_10_no_treasury_rate_on_file_the_agencys_rate_applies_and_says_so():
    # the pack lists only the rates it could source; 2026 is not among them (5 %: 30 days -> 4,109.59)
    charges = late_charges(USD_10000, date(2026, 3, 1), date(2026, 3, 31), 0.05, terms("US"))
    assert charges.interest.amount == 4110
    [record] = charges.rules_applied
    assert record.row == "pack.json:rules.prompt_payment" and record.complied is None
    assert "none on file in the pack for 2026-03-02" in record.required
    assert "the agency's 5 % a year" in record.used


def test_an_agreed_rate_above_the_statutory_one_applies_never_one_below():
    higher = late_charges(USD_10000, date(2025, 1, 10), date(2025, 2, 9), 0.06, terms("US", agreed=True))
    assert higher.interest.amount == 4932  # 1,000,000 x 0.06 x 30 / 365 = 4,931.51
    assert "(the agency's agreed rate)" in higher.rules_applied[0].used
    lower = late_charges(USD_10000, date(2025, 1, 10), date(2025, 2, 9), 0.03, terms("US", agreed=True))
    assert lower.interest.amount == 3801  # the Treasury's 4 5/8 %, not 3 %


def test_5_cfr_1315_4_paid_on_the_due_date_owes_no_interest_and_records_it():
    charges = late_charges(USD_10000, date(2025, 1, 10), date(2025, 1, 10), 0.05, terms("US"))
    assert charges.interest.amount == 0 and charges.compensation is None
    assert "paid by the due date 2025-01-10" in charges.rules_applied[0].used


def test_5_cfr_1315_4_due_date_30_days_after_the_later_of_receipt_and_acceptance():
    received = datetime(2025, 3, 3, 15, tzinfo=UTC)
    accepted = datetime(2025, 3, 7, 15, tzinfo=UTC)
    ok = due_date_rule(terms("US"), received, accepted, 30, date(2025, 4, 6))
    assert ok.complied is True and "by 2025-04-06" in ok.required and ok.row == "pack.json:rules.prompt_payment"
    # an agency on 45-day terms is later than the 30 days the pack allows
    late = due_date_rule(terms("US"), received, accepted, 45, date(2025, 4, 21))
    assert late.complied is False and "45 days" in late.used


# -- Washington: RCW 39.76.011, one percent a month ---------------------------------------------


def test_rcw_39_76_011_one_percent_a_month_on_seattle_local_dates():
    seattle = terms("US-WA-Seattle", zone="America/Los_Angeles")
    # paid at 18:00 on 31 May in Seattle (01:00 UTC on 1 June): 30 days late, not 31
    paid = paid_on_date(datetime(2026, 6, 1, 1, tzinfo=UTC), seattle)
    assert paid == date(2026, 5, 31)
    charges = late_charges(USD_10000, date(2026, 5, 1), paid, 0.05, seattle)
    assert charges.interest.amount == 9863  # 1,000,000 x 0.12 x 30 / 365 = 9,863.01
    [record] = charges.rules_applied
    assert (record.pack, record.row, record.citation) == ("US-WA", "pack.json:rules.prompt_payment", "RCW 39.76.011(1)")


# -- Texas: Gov't Code § 2251.025, no dated prime rate on file ----------------------------------


def test_tex_gov_code_2251_025_rate_not_on_file_the_agencys_rate_applies():
    charges = late_charges(USD_10000, date(2026, 5, 1), date(2026, 5, 31), 0.095, terms("US-TX"))
    assert charges.interest.amount == 7808  # 1,000,000 x 0.095 x 30 / 365 = 7,808.22
    assert charges.rules_applied[0].pack == "US-TX" and charges.rules_applied[0].complied is None
    assert "§ 2251.025(b)" in charges.rules_applied[0].citation


# -- California: Pub. Cont. Code § 20104.50, public works only -----------------------------------


def test_cal_pub_cont_code_20104_50_applies_to_construction_at_the_legal_rate_of_ten_percent():
    assert prompt_payment_terms("US-CA", "goods", time_zone="UTC", agency_rate_agreed=False) is None
    assert prompt_payment_terms("US-CA", None, time_zone="UTC", agency_rate_agreed=False) is None
    works = terms("US-CA-UPCCAA", "works")
    charges = late_charges(USD_10000, date(2026, 5, 1), date(2026, 5, 31), 0.05, works)
    assert charges.interest.amount == 8219  # 1,000,000 x 0.10 x 30 / 365 = 8,219.18
    assert "685.010(a)(1)" in charges.rules_applied[0].citation


# -- EU: Directive 2011/7/EU, the ECB rate plus eight points and EUR 40 --------------------------


def test_directive_2011_7_art_2_7_ecb_reference_rate_of_1_july_plus_eight_points():
    rate = statutory_interest("EU", date(2025, 7, 16))
    assert rate is not None and rate.annual_rate == 0.1015 and rate.row == "interest_rates.csv:2025-07-01"
    # 30 days late at 2.15 % + 8 = 10.15 %: 1,000,000 x 0.1015 x 30 / 365 = 8,342.47 -> 8,342
    charges = late_charges(EUR_10000, date(2025, 7, 15), date(2025, 8, 14), 0.0, terms("EU"), compensation_due=True)
    assert charges.interest == Money(amount=8342, currency="EUR")
    # the first half-year uses the rate of 1 January: 3.15 % + 8 = 11.15 %
    assert statutory_interest("EU", date(2025, 6, 30)).annual_rate == 0.1115  # type: ignore[union-attr]


def test_directive_2011_7_art_6_eur_40_owed_once_on_a_late_payment():
    eu = terms("EU", zone="Europe/Paris")
    late = late_charges(EUR_10000, date(2025, 7, 15), date(2025, 7, 16), 0.0, eu, compensation_due=True)
    assert late.compensation == Money(amount=4000, currency="EUR")
    [_, record] = late.rules_applied
    assert record.rule == "late_payment_compensation" and "art. 6(1)" in record.citation
    on_time = late_charges(EUR_10000, date(2025, 7, 15), date(2025, 7, 15), 0.0, eu, compensation_due=True)
    assert on_time.compensation is None and len(on_time.rules_applied) == 1
    claimed = late_charges(EUR_10000, date(2025, 7, 15), date(2025, 7, 16), 0.0, eu, compensation_due=False)
    assert claimed.compensation is None


def test_directive_2011_7_art_6_eur_40_is_not_converted_into_another_currency():
    charges = late_charges(USD_10000, date(2025, 7, 15), date(2025, 7, 20), 0.0, terms("EU"), compensation_due=True)
    assert charges.compensation is None
    assert charges.rules_applied[1].complied is None and "in USD" in charges.rules_applied[1].used


def test_without_a_pack_rule_the_agencys_rate_applies_and_nothing_is_recorded():
    charges = late_charges(USD_10000, date(2026, 4, 1), date(2026, 4, 11), 0.05, None)
    assert charges.interest.amount == 1370 and charges.rules_applied == []


# -- through the invoice decider: due date record and compensation on the first late approval ----


T0 = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)  # 10:00 in Paris
FINANCE = Actor(sub="u-fin", role="finance", agency="ag1")
VENDOR = Actor(sub="u-vendor", role="vendor", vendor="v1")


def _eu_invoice():  # received at 10:00 on 1 July 2025 in Paris
    contract = ContractTerms(contract_id="c1", agency_id="ag1", vendor_id="v1",
                             value=Money(amount=10_000_000, currency="EUR"), status="active")
    submit = SubmitInvoice(
        invoice_id="inv1", contract=contract, agency=AgencyTerms(prompt_payment_days=30, time_zone="Europe/Paris"),
        number="F-1", lines=[LineIn(description="Voirie", quantity=Decimal(1), unit_price=1_000_000)],
        total=1_000_000, currency="EUR", service_period=ServicePeriod(start=date(2025, 6, 1), end=date(2025, 6, 30)),
        acting_for=("v1",),
        payment_terms=terms("EU", zone="Europe/Paris"))
    return INVOICE.run([(submit, Context(now=T0, actor=VENDOR))])


def test_directive_2011_7_art_4_3_due_date_recorded_and_eur_40_claimed_by_the_first_late_approval():
    state, _ = _eu_invoice()
    state, events = INVOICE.run([(ApproveInvoice(payment_id="p1", amount=400_000),
                                  Context(now=T0 + timedelta(days=1), actor=FINANCE))], state)
    accepted, first = events
    # received 1 July, accepted by the approval on 2 July: 30 days after the later, 1 August
    assert isinstance(accepted, InvoiceAccepted) and accepted.due_date == date(2025, 8, 1)
    [due] = accepted.rules_applied
    assert (due.rule, due.pack, due.complied) == ("payment_due", "EU", True) and "art. 4(3)" in due.citation
    assert isinstance(first, InvoiceApproved) and first.compensation_due is False  # on time
    # 23:30 on 1 August in Paris is still the due date: not late
    state, [on_due] = INVOICE.run([(ApproveInvoice(payment_id="p2", amount=100_000),
                                    Context(now=datetime(2025, 8, 1, 21, 30, tzinfo=UTC), actor=FINANCE))], state)
    assert on_due.compensation_due is False
    # 00:30 on 2 August in Paris (22:30 UTC on 1 August) is late: EUR 40 owed with this payment
    state, [late] = INVOICE.run([(ApproveInvoice(payment_id="p3", amount=100_000),
                                  Context(now=datetime(2025, 8, 1, 22, 30, tzinfo=UTC), actor=FINANCE))], state)
    assert late.compensation_due is True and late.payment_terms is not None
    _, [again] = INVOICE.run([(ApproveInvoice(payment_id="p4", amount=100_000),
                               Context(now=datetime(2025, 8, 5, 9, tzinfo=UTC), actor=FINANCE))], state)
    assert again.compensation_due is False  # once per invoice
