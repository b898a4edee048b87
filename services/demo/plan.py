"""The demo's story, decided up front from the seed: who registers, what is bought, who
bids, what happens to each solicitation, contract and invoice, and on which day.

Nothing here touches a server. Days count from the start of the story (two years before
today, midnight UTC) and are fractional: ``30.375`` is day 30 at 09:00.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from services.demo import catalog
from services.demo.scale import Scale

#: the story covers two years and ends today (day ``SPAN`` at midnight)
SPAN = 730
MORNING = 9 / 24
REGISTRATION_DAYS = 365
RENEWAL_AFTER = 300  # renewal opens 90 days before expiry
BILLING_CYCLE = 60  # days between a contract's invoices
# Submission deadline after publishing: FAR 5.203(c) asks 30 days above the simplified
# acquisition threshold, and a story may run up to the timeline's batch window late.
OPEN_DAYS = 36
STATUSES = ("awarded", "open", "cancelled", "unsuccessful", "under_evaluation", "closed", "draft")


@dataclass(frozen=True)
class AgencyPlan:
    agency_id: str
    name: str
    jurisdiction: str
    prompt_payment_days: int
    goals: tuple[tuple[str, float], ...]
    time_zone: str = "UTC"


@dataclass(frozen=True)
class CertPlan:
    cert_id: str
    program: str
    number: str
    effective_day: int
    expiry_day: int
    verdict: str  # verify | reject | pending


@dataclass(frozen=True)
class VendorPlan:
    vendor_id: str
    legal_name: str
    tax_id: str
    place: catalog.Place
    street: str
    contact: str
    employees: int
    revenue_band: str
    codes: tuple[str, ...]
    onboard_day: float
    fate: str  # approved | rejected | pending | draft
    renew_day: float | None
    excluded_day: float | None
    certs: tuple[CertPlan, ...]

    @property
    def owner(self) -> str:
        return f"{self.vendor_id}-owner"

    @property
    def approved_day(self) -> float:
        return self.onboard_day + 1

    def registered_until(self) -> float:
        """The day the registration lapses (after a renewal, if any)."""
        until = self.approved_day + REGISTRATION_DAYS
        return until + REGISTRATION_DAYS if self.renew_day is not None else until

    def can_bid_through(self, start: float, end: float) -> bool:
        return (self.fate == "approved" and self.excluded_day is None
                and self.approved_day + 1 <= start and self.registered_until() > end + 5)


@dataclass(frozen=True)
class BidPlan:
    vendor_id: str
    day: float
    price: int  # cents
    score: int  # what evaluators give its technical answers (1-10)


@dataclass(frozen=True)
class InvoicePlan:
    number: str
    day: float
    #: the share of the contract value this invoice bills, in thousandths
    permille: int
    late: bool


@dataclass(frozen=True)
class ContractPlan:
    start: float
    end: float
    modification_day: float | None
    invoices: tuple[InvoicePlan, ...]
    #: the buyer rates the vendor shortly before the term ends (the contract then completes by itself)
    rating_day: float | None


@dataclass(frozen=True)
class SolicitationPlan:
    solicitation_id: str
    agency_id: str
    kind: str  # RFI | RFQ | RFP | ITB
    title: str
    codes: tuple[str, ...]
    value: int  # cents
    outcome: str  # one of STATUSES
    publish_day: float
    deadline_day: float
    opening_day: float
    bids: tuple[BidPlan, ...] = ()
    cancel_day: float | None = None
    protest: bool = False
    contract: ContractPlan | None = None

    @property
    def evaluation_day(self) -> float:
        return self.opening_day + 2

    @property
    def recommendation_day(self) -> float:
        return self.opening_day + 6


@dataclass(frozen=True)
class Plan:
    seed: int
    agencies: tuple[AgencyPlan, ...]
    vendors: tuple[VendorPlan, ...]
    solicitations: tuple[SolicitationPlan, ...]


def make_plan(seed: int, scale: Scale) -> Plan:
    """The whole story for ``seed`` at ``scale``; the same arguments give the same plan."""
    rng = random.Random(seed)
    agencies = tuple(_agency(rng, seed, profile) for profile in catalog.AGENCIES[:scale.agencies])
    vendors = tuple(_vendor(rng, seed, i) for i in range(scale.vendors))
    solicitations = tuple(_solicitation(rng, seed, i, agencies, vendors) for i in range(scale.solicitations))
    return Plan(seed=seed, agencies=agencies, vendors=vendors, solicitations=solicitations)


def _agency(rng: random.Random, seed: int, profile: catalog.AgencyProfile) -> AgencyPlan:
    chosen = rng.sample(catalog.GOAL_RANGES, k=3)
    goals = tuple((program, float(rng.randint(low, high))) for program, low, high in chosen)
    return AgencyPlan(agency_id=f"demo{seed}-{profile.slug}", name=profile.name,
                      jurisdiction=profile.jurisdiction, prompt_payment_days=profile.prompt_payment_days,
                      goals=goals, time_zone=profile.time_zone)


def _vendor(rng: random.Random, seed: int, index: int) -> VendorPlan:
    vendor_id = f"demo{seed}-v{index:04d}"
    stem, trade = rng.choice(catalog.NAME_STEMS), rng.choice(catalog.NAME_TRADES)
    legal_name = f"{stem} {trade} {index:03d} {rng.choice(catalog.LEGAL_FORMS)}"
    # an EIN unique within the story: the index fills the low digits
    tax_id = f"{rng.choice(catalog.EIN_PREFIXES)}-{rng.randrange(100):02d}{index:05d}"
    roll = rng.random()
    fate = "approved" if roll < 0.9 else "rejected" if roll < 0.94 else "pending" if roll < 0.97 else "draft"
    # the first few show every path a registration can take, however small the demo
    fate = {1: "rejected", 2: "pending", 3: "draft", 4: "approved"}.get(index, fate)
    onboard = float(rng.randint(0, 60)) if rng.random() < 0.8 else float(rng.randint(200, 600))
    onboard += MORNING + rng.randint(0, 7) / 24
    renew = None
    if fate == "approved" and onboard + 1 + RENEWAL_AFTER < SPAN - 1 and rng.random() < 0.85:
        renew = onboard + 1 + RENEWAL_AFTER
    excluded = float(rng.randint(150, 700)) + MORNING if fate == "approved" and rng.random() < 0.04 else None
    if index == 4:
        excluded = 150 + MORNING
    codes = tuple(sorted(c.code for c in rng.sample(catalog.COMMODITIES, k=rng.randint(1, 3))))
    return VendorPlan(
        vendor_id=vendor_id, legal_name=legal_name, tax_id=tax_id, place=rng.choice(catalog.PLACES),
        street=f"{rng.randint(10, 9999)} {rng.choice(catalog.STREETS)}",
        contact=f"{rng.choice(catalog.FIRST_NAMES)} {rng.choice(catalog.LAST_NAMES)}",
        employees=rng.choice((3, 8, 14, 25, 60, 140, 400)),
        revenue_band=rng.choice(("under_1m", "1m_5m", "5m_25m", "25m_100m")),
        codes=codes, onboard_day=onboard, fate=fate, renew_day=renew, excluded_day=excluded,
        certs=_certs(rng, vendor_id, onboard) if fate in ("approved", "pending") else (),
    )


def _certs(rng: random.Random, vendor_id: str, onboard: float) -> tuple[CertPlan, ...]:
    programs = list(catalog.PROGRAM_WEIGHTS)
    weights = list(catalog.PROGRAM_WEIGHTS.values())
    count = rng.choices((0, 1, 2), weights=(40, 45, 15))[0]
    chosen = sorted({rng.choices(programs, weights=weights)[0] for _ in range(count)})
    certs = []
    for n, program in enumerate(chosen):
        effective = onboard - rng.randint(30, 700)
        # about a third run out during the story, so reports see them come and go
        expiry = onboard + rng.randint(90, 600) if rng.random() < 0.35 else effective + rng.randint(3, 5) * 365
        verdict = rng.choices(("verify", "reject", "pending"), weights=(88, 6, 6))[0]
        certs.append(CertPlan(cert_id=f"{vendor_id}-c{n}", program=program,
                              number=f"{program}-{rng.randrange(10**6):06d}",
                              effective_day=int(effective), expiry_day=int(expiry), verdict=verdict))
    return tuple(certs)


def _outcome(index: int, rng: random.Random) -> str:
    # The first slots cover every status once, so even a tiny demo shows each of them;
    # after that, mostly awards, as in a real marketplace.
    if index < len(STATUSES):
        return STATUSES[index]
    return rng.choices(STATUSES, weights=(55, 10, 7, 6, 6, 5, 5))[0]


def _kind(outcome: str, index: int, rng: random.Random) -> str:
    if outcome in ("awarded", "unsuccessful", "under_evaluation"):
        return rng.choice(("RFP", "ITB", "RFQ", "RFP"))
    if outcome == "open" and index < len(STATUSES):
        return "RFI"  # at least one request for information
    return rng.choice(("RFI", "RFP", "ITB", "RFQ"))


def _value(kind: str, rng: random.Random) -> int:
    dollars = {"RFQ": (25_000, 240_000), "RFI": (50_000, 500_000)}.get(kind, (400_000, 3_000_000))
    return rng.randrange(*dollars) // 1000 * 1000 * 100


def _publish_day(outcome: str, rng: random.Random) -> float:
    first, last = {
        "open": (SPAN - 25, SPAN - 6),
        "closed": (SPAN - OPEN_DAYS - 6, SPAN - OPEN_DAYS - 2),
        "under_evaluation": (SPAN - 70, SPAN - 45),
        "draft": (SPAN - 40, SPAN - 2),
        "cancelled": (70, SPAN - 45),
        "unsuccessful": (70, SPAN - 60),
    }.get(outcome, (70, SPAN - 110))
    return float(rng.randint(first, last)) + MORNING


def _solicitation(rng: random.Random, seed: int, index: int, agencies: tuple[AgencyPlan, ...],
                  vendors: tuple[VendorPlan, ...]) -> SolicitationPlan:
    outcome = _outcome(index, rng)
    kind = _kind(outcome, index, rng)
    commodity = rng.choice(catalog.COMMODITIES)
    agency = agencies[index % len(agencies)]
    publish = _publish_day(outcome, rng)
    deadline = publish + OPEN_DAYS + 8 / 24  # 17:00
    # a "closed" solicitation is past its deadline with the opening still ahead
    opening = deadline + (12 if outcome == "closed" else 1 / 24)
    value = _value(kind, rng)
    plan = SolicitationPlan(
        solicitation_id=f"demo{seed}-s{index:03d}", agency_id=agency.agency_id, kind=kind,
        title=f"{rng.choice(commodity.needs)} ({kind} {index + 1:03d})", codes=(commodity.code,),
        value=value, outcome=outcome, publish_day=publish, deadline_day=deadline, opening_day=opening)
    if outcome == "draft":
        return plan
    # a request for information takes no bids; a cancelled solicitation may have some
    bids = () if kind == "RFI" or (outcome == "cancelled" and rng.random() < 0.5) else \
        _bids(rng, plan, commodity.code, vendors)
    extra: dict[str, object] = {"bids": bids}
    if outcome == "cancelled":
        cancel = publish + rng.randint(8, 20)
        extra.update(cancel_day=cancel, bids=tuple(b for b in bids if b.day < cancel))
    if outcome == "awarded":
        extra["protest"] = rng.random() < 0.15 or index == 0
        extra["contract"] = _contract(rng, plan)
    return replace(plan, **extra)  # type: ignore[arg-type]


def _bids(rng: random.Random, plan: SolicitationPlan, code: str,
          vendors: tuple[VendorPlan, ...]) -> tuple[BidPlan, ...]:
    # bidders stay eligible from their bid until the contract is signed
    last_needed = plan.opening_day + 40
    eligible = [v for v in vendors if v.can_bid_through(plan.publish_day, last_needed)]
    trade = [v for v in eligible if code in v.codes]
    pool = trade if len(trade) >= 3 else eligible
    count = min(len(pool), rng.randint(2, 5))
    bidders = rng.sample(pool, k=count)
    return tuple(BidPlan(vendor_id=v.vendor_id,
                         day=plan.publish_day + rng.randint(3, OPEN_DAYS - 6) + rng.randint(0, 6) / 24,
                         price=int(plan.value * rng.uniform(0.72, 1.12)) // 10_000 * 10_000,
                         score=rng.randint(4, 10))
                 for v in bidders)


def _contract(rng: random.Random, plan: SolicitationPlan) -> ContractPlan:
    start = float(int(plan.recommendation_day) + 25)
    end = start + rng.choice((364, 364, 545))
    if SPAN - 3 <= end <= SPAN + 1:
        end += 5  # ends clearly before or after today, not while the story closes
    rating = end - 10 + MORNING if end + 1 < SPAN else None
    modification = start + 90 + MORNING if rng.random() < 0.3 and start + 91 < SPAN else None
    # the last bill leaves room before the term ends, as steps may run a few days late
    billing_until = min(end - 7, SPAN - 15)
    # every vendor bills on the same cycle, so a billing run's invoices and payments
    # happen together (and the demo handles them side by side)
    days = [d + MORNING for d in range(BILLING_CYCLE, SPAN, BILLING_CYCLE) if start + 30 <= d <= billing_until]
    # together the invoices bill 80% of the contract, whatever the awarded price
    share = 800 // max(1, len(days))
    invoices = tuple(InvoicePlan(number=f"INV-{plan.solicitation_id[-4:]}-{n + 1:02d}", day=day, permille=share,
                                 late=rng.random() < 0.18)
                     for n, day in enumerate(days))
    return ContractPlan(start=start, end=end, modification_day=modification, invoices=invoices,
                        rating_day=rating)
