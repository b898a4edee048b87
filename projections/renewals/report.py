"""The renewal pipeline, computed from the contracts' facts on the day asked.

No read model of its own: the contract register names an agency's open contracts and each
contract's renewal facts carry its stage, since when, its value and the options that remain.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import msgspec

from events.base import Money
from projections.report_http import csv_cell
from services.contracts.facts import OptionFacts, open_contract_ids, renewal_facts


class RenewalOption(msgspec.Struct, frozen=True, kw_only=True):
    option_id: str
    kind: str
    added_value: Money
    exercise_deadline: date
    extend_to: date | None = None
    quantity: int | None = None


class RenewalRow(msgspec.Struct, frozen=True, kw_only=True):
    contract_id: str
    agency_id: str
    vendor_id: str
    end_date: date
    #: whole months from the day asked to the end date (negative once it has passed)
    months_to_expiry: int
    days_to_expiry: int
    #: "plan" | "exercise_option" | "re_compete" | "let_lapse"; null: never recorded
    stage: str | None
    stage_since: str | None
    #: whole days the current stage has held (null without a stage)
    days_in_stage: int | None
    #: the value in force, amendments and exercised options included
    value_at_stake: Money
    #: what the remaining options would add, in the contract's currency
    options_value: Money
    remaining_options: list[RenewalOption]


class RenewalReport(msgspec.Struct, frozen=True, kw_only=True):
    #: the agency covered (null: all agencies)
    agency: str | None
    as_of: date
    contracts: list[RenewalRow]


def months_between(today: date, end: date) -> int:
    """Whole calendar months from ``today`` to ``end``: 0 within the month ahead, negative after."""
    months = (end.year - today.year) * 12 + end.month - today.month
    if end >= today:
        return months - (1 if end.day < today.day else 0)
    return months + (1 if end.day > today.day else 0)


def _option(o: OptionFacts) -> RenewalOption:
    return RenewalOption(option_id=o.option_id, kind=o.kind, added_value=o.added_value,
                         exercise_deadline=o.exercise_deadline, extend_to=o.extend_to, quantity=o.quantity)


async def build_report(pool: Any, executor: Any, agency: str | None, today: date) -> RenewalReport:
    rows = []
    for contract_id in await open_contract_ids(pool, agency):
        facts = await renewal_facts(executor, contract_id, today)
        if facts is None:
            continue
        rows.append(RenewalRow(
            contract_id=facts.contract_id, agency_id=facts.agency_id, vendor_id=facts.vendor_id,
            end_date=facts.end_date, months_to_expiry=months_between(today, facts.end_date),
            days_to_expiry=(facts.end_date - today).days, stage=facts.stage,
            stage_since=facts.since.isoformat() if facts.since else None,
            days_in_stage=(today - facts.since.date()).days if facts.since else None,
            value_at_stake=facts.value,
            options_value=Money(amount=sum(o.added_value.amount for o in facts.remaining_options),
                                currency=facts.value.currency),
            remaining_options=[_option(o) for o in facts.remaining_options]))
    rows.sort(key=lambda r: (r.end_date, r.contract_id))
    return RenewalReport(agency=agency, as_of=today, contracts=rows)


HEADER = ("contract_id", "agency_id", "vendor_id", "end_date", "months_to_expiry", "days_to_expiry", "stage",
          "days_in_stage", "value_at_stake", "options_value", "currency", "remaining_options",
          "next_option_deadline")


def report_csv(report: RenewalReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for r in report.contracts:
        nxt = r.remaining_options[0].exercise_deadline.isoformat() if r.remaining_options else None
        writer.writerow([csv_cell(v) for v in (
            r.contract_id, r.agency_id, r.vendor_id, r.end_date.isoformat(), r.months_to_expiry, r.days_to_expiry,
            r.stage, r.days_in_stage, r.value_at_stake.amount, r.options_value.amount, r.value_at_stake.currency,
            len(r.remaining_options), nxt)])
    return out.getvalue()
