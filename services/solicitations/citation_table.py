"""The citation table of ``docs/compliance.md``, written from the rule packs themselves.

Run ``python -m services.solicitations.citation_table`` after changing a pack and paste
the output into the document; a unit test checks that the two agree.
"""

from __future__ import annotations

from kernel import calendar
from services.solicitations import rules

_TERMS = ("publications", "interval_days", "medium", "counted_from", "interest", "annual_rate",
          "deemed_acceptance_days", "window_days", "thresholds", "fixed_compensation", "applies_to")


def _money(amount: int, currency: str) -> str:
    return f"{currency} {amount / 100:,.2f}"


def _line(code: str, row: str, what: str, cite: rules.Citation) -> str:
    return f"| {code} | `{row}` | {what} | {cite.section} | {cite.effective_from} | {cite.basis} | {cite.url} |"


def _rows(code: str, pack: rules.Pack) -> list[str]:
    lines = []
    for t in pack.thresholds:
        what = (f"over {_money(t.amount, t.currency)} ({'/'.join(t.applies_to)}): at least {t.minimum_method}"
                + (f", {' or '.join(t.formal_types)}" if t.formal_types else ""))
        lines.append(_line(code, t.row, what, t.citation))
    for limit in pack.time_limits:
        what = (f"{limit.rule}: {limit.days} {limit.day_kind} days to the {limit.counted_to.replace('_', ' ')}"
                + (f" less {limit.electronic_reduction_days} for electronic submission"
                   if limit.electronic_reduction_days else "")
                + (f", above {limit.above_threshold}" if limit.above_threshold else "")
                + (f", {limit.method} method" if limit.method else "") + f" ({'/'.join(limit.applies_to)})")
        lines.append(_line(code, limit.row, what, limit.citation))
    for key, rule in pack.rules.items():
        bits = [f"{rule.days} {rule.day_kind} days"
                + (", a last day on a weekend or holiday moves to the next business day"
                   if rule.roll_to_business_day else "")] if rule.days else []
        bits += [f"{k.replace('_', ' ')}: {rule.terms[k]}" for k in _TERMS if k in rule.terms]
        if "above" in rule.terms:
            bits.append(f"above {_money(int(rule.terms['above']), pack.currency)}")
        lines.append(_line(code, rule.row, f"{key.replace('_', ' ')}: {'; '.join(bits)}", rule.citation))
    for program in pack.programs:
        lines.append(_line(code, program.row, f"{program.program}: {program.description}", program.citation))
    for rate in pack.interest_rates:
        what = (f"late-payment interest {rate.effective_from} to {rate.effective_to}: {rate.reference} "
                f"{rate.reference_percent:g} %" + (f" plus {rate.margin_percent:g} points" if rate.margin_percent else "")
                + f" = {rate.annual_rate * 100:g} % a year")
        lines.append(_line(code, rate.row, what, rate.citation))
    return lines


def table() -> str:
    lines = ["| Pack | Row | Rule and value | Citation | In force from | Basis | Source |",
             "|---|---|---|---|---|---|---|"]
    for code, pack in rules.packs().items():
        lines += _rows(code, pack)
    lines += ["", "| Holiday calendar | Citation | Source |", "|---|---|---|"]
    for name in calendar.calendars():
        cal = calendar.holiday_calendar(name)
        lines.append(f"| `{name}` ({cal.title}) | {cal.citation} | {cal.url} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(table(), end="")
