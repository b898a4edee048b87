"""Reading an exclusion list file (CSV) into commands, with a reason for every bad row.

Columns (header required, any order): ``name``, ``reason``, ``from_date`` and optionally
``tax_id``, ``to_date``. Dates are ISO ``YYYY-MM-DD``. Line numbers count the header as 1.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import msgspec

from kernel.errors import Invalid, field_error
from services.vendors.deciders.exclusion import RecordExclusion, check_exclusion, exclusion_id_for

REQUIRED = ("name", "reason", "from_date")
OPTIONAL = ("tax_id", "to_date")
MAX_ROWS = 10_000
MAX_LENGTHS = {"name": 300, "reason": 2000, "tax_id": 20, "from_date": 10, "to_date": 10}


class RejectedRow(msgspec.Struct, frozen=True, kw_only=True):
    line: int
    field: str | None
    reason: str


class ParsedRow(msgspec.Struct, frozen=True, kw_only=True):
    line: int
    command: RecordExclusion


def _date(text: str, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise field_error(field, "must be a date YYYY-MM-DD") from exc


def _row(values: dict[str, str]) -> RecordExclusion:
    for column, limit in MAX_LENGTHS.items():
        if len(values.get(column, "")) > limit:
            raise field_error(column, f"at most {limit} characters")
    from_date = _date(values["from_date"], "from_date")
    if from_date is None:
        raise field_error("from_date", "is required")
    name, tax_id = values["name"], values.get("tax_id") or None
    command = RecordExclusion(
        exclusion_id=exclusion_id_for(name, tax_id, from_date), name=name, tax_id=tax_id,
        reason=values["reason"], from_date=from_date, to_date=_date(values.get("to_date", ""), "to_date"),
    )
    check_exclusion(command)
    return command


def parse_exclusions(text: str) -> tuple[list[ParsedRow], list[RejectedRow]]:
    """The rows that can be recorded and the rows that cannot, each with its line number.

    A file without the required header is refused as a whole (``Invalid`` on ``header``).
    """
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown or len(set(header)) != len(header):
        problems = [f"missing {', '.join(missing)}"] if missing else []
        problems += [f"unknown {', '.join(unknown)}"] if unknown else []
        problems += ["a column is repeated"] if len(set(header)) != len(header) else []
        raise field_error("header", f"columns must be {', '.join(REQUIRED + OPTIONAL)}: {'; '.join(problems)}")
    parsed: list[ParsedRow] = []
    rejected: list[RejectedRow] = []
    first_line: dict[str, int] = {}
    count = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rejected.append(RejectedRow(line=line, field=None, reason=f"malformed CSV: {exc}"))
            break
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise field_error("body", f"at most {MAX_ROWS} rows per file")
        if len(cells) != len(header):
            rejected.append(RejectedRow(line=line, field=None,
                                        reason=f"expected {len(header)} values, found {len(cells)}"))
            continue
        try:
            command = _row({h: c.strip() for h, c in zip(header, cells, strict=True)})
        except Invalid as exc:
            field = exc.details[0]["field"] if exc.details else None
            rejected.append(RejectedRow(line=line, field=field, reason=exc.message))
            continue
        if command.exclusion_id in first_line:
            rejected.append(RejectedRow(line=line, field=None,
                                        reason=f"same exclusion as line {first_line[command.exclusion_id]}"))
            continue
        first_line[command.exclusion_id] = line
        parsed.append(ParsedRow(line=line, command=command))
    return parsed, rejected
