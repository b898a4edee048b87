"""The ranges every number a client sends must lie in (request types and query
parameters bound themselves with these, so an out-of-range value is a 422)."""

from __future__ import annotations

#: the largest integer PostgreSQL's ``bigint`` holds
INT64_MAX = 2**63 - 1
#: the largest integer a JSON number carries exactly (sizes, counts)
JSON_INT_MAX = 2**53 - 1
#: the largest money amount accepted, in minor units (10^13 in major units: far above any
#: public budget, and sums of many such amounts still fit an int64)
MAX_AMOUNT = 10**15
#: the largest PostgreSQL ``integer`` (sequence numbers inside one record)
INT32_MAX = 2**31 - 1
#: the largest offset a paged list accepts
MAX_OFFSET = 1_000_000
#: the most addenda a solicitation can be acknowledged up to
MAX_ADDENDA = 10_000
#: the largest workforce a business can declare
MAX_EMPLOYEES = 10_000_000
#: ``gt=NONNEGATIVE_GT`` is ``ge=0`` for an optional integer: the OpenAPI generator drops a
#: lower bound of 0 on ``int | None`` (a falsy value), and the schema must still say it
NONNEGATIVE_GT = -1
