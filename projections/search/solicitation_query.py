"""Full-text search over solicitations: filters, ranking, snippets, keyset pages and facets.

``now`` is the request time from the marketplace clock: whether a solicitation is open or
closing soon depends on it, so status is computed here and never stored by the projection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import asyncpg
import msgspec

from events.base import Money
from infra.db import Connection
from kernel.calendar import local
from kernel.commodities import digits
from kernel.errors import field_error
from projections import cursor
from projections.sql import Params

STATUSES = ("open", "closing", "closed", "awarded", "unsuccessful", "cancelled", "draft")
SORTS = ("relevance", "deadline", "published")
TYPES = ("RFI", "RFQ", "RFP", "ITB")
FACETS = ("status", "agency", "type", "set_aside")

_EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")


@dataclass(frozen=True)
class SolicitationSearch:
    q: str | None = None
    status: tuple[str, ...] = ()
    closing_within_days: int = 7
    agency: tuple[str, ...] = ()
    commodity: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    set_aside: tuple[str, ...] = ()
    value_min: int | None = None
    value_max: int | None = None
    currency: str | None = None
    deadline_from: datetime | None = None
    deadline_to: datetime | None = None
    sort: str | None = None
    limit: int = 20
    cursor: str | None = None
    facets: bool = True
    #: the agency whose drafts the caller may see (a buyer's own), else None
    drafts_of: str | None = None
    now: datetime = field(default_factory=lambda: _EPOCH)

    @property
    def effective_sort(self) -> str:
        return self.sort or ("relevance" if self.q else "deadline")

    def fingerprint(self) -> str:
        return cursor.fingerprint(self.q, self.status, self.closing_within_days, self.agency,
                                  self.commodity, self.type, self.set_aside, self.value_min,
                                  self.value_max, self.currency, self.deadline_from,
                                  self.deadline_to, self.effective_sort, self.drafts_of)


class FacetCount(msgspec.Struct, frozen=True):
    value: str
    count: int
    label: str | None = None


class SolicitationHit(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    agency_id: str
    agency_name: str | None
    type: str
    title: str
    snippet: str
    status: str
    commodity_codes: list[str]
    estimated_value: Money | None
    set_aside: str | None
    method: str | None
    submission_deadline: datetime
    published_at: datetime | None
    score: float | None = None
    #: the agency's IANA zone and the deadline on its clocks (same instant, local offset)
    time_zone: str = "UTC"
    local_submission_deadline: datetime | None = None


class SolicitationResults(msgspec.Struct, frozen=True, kw_only=True):
    items: list[SolicitationHit]
    next_cursor: str | None
    #: matches over all pages (with facets only)
    total: int | None = None
    #: counts of all matches by status, agency, type and set-aside (``closing`` is the part
    #: of ``open`` whose deadline falls within ``closing_within_days``)
    facets: dict[str, list[FacetCount]] | None = None


def validate(search: SolicitationSearch) -> None:
    """Reject what the query cannot mean, naming the parameter (422)."""
    for status in search.status:
        if status not in STATUSES:
            raise field_error("status", f"unknown status {status!r}; one of {', '.join(STATUSES)}")
    if "draft" in search.status and search.drafts_of is None:
        raise field_error("status", "drafts are visible only to buyers of their own agency")
    for kind in search.type:
        if kind not in TYPES:
            raise field_error("type", f"unknown type {kind!r}; one of {', '.join(TYPES)}")
    if search.sort is not None and search.sort not in SORTS:
        raise field_error("sort", f"one of {', '.join(SORTS)}")
    if search.sort == "relevance" and not search.q:
        raise field_error("sort", "relevance needs a text query (q)")
    for code in search.commodity:
        if not digits(code):
            raise field_error("commodity", "a commodity code or prefix, e.g. 4321 or 913")
    if search.value_min is not None and search.value_max is not None and search.value_min > search.value_max:
        raise field_error("value_min", "must not exceed value_max")
    for name in ("deadline_from", "deadline_to"):
        value = getattr(search, name)
        if value is not None and value.tzinfo is None:
            raise field_error(name, "needs a timezone, e.g. 2026-05-01T00:00:00Z")
    if search.deadline_from and search.deadline_to and search.deadline_from > search.deadline_to:
        raise field_error("deadline_from", "must not be after deadline_to")


def status_sql(now: str) -> str:
    """The status a reader sees, from the stored stage and the deadline."""
    return (
        "CASE WHEN s.stage IN ('awarded', 'unsuccessful', 'cancelled') THEN s.stage"
        " WHEN NOT s.published THEN 'draft'"
        f" WHEN s.stage = 'open' AND s.deadline > {now} THEN 'open'"
        " ELSE 'closed' END"
    )


def _status_condition(status: str, p: Params, search: SolicitationSearch, deadline: str) -> str:
    """The exact status test on a row (``deadline``: how to read that column)."""
    match status:
        case "open":
            return f"(s.published AND s.stage = 'open' AND {deadline} > {p(search.now, 'timestamptz')})"
        case "closing":
            now = p(search.now, "timestamptz")
            until = p(search.now + timedelta(days=search.closing_within_days), "timestamptz")
            return f"(s.published AND s.stage = 'open' AND {deadline} > {now} AND {deadline} <= {until})"
        case "closed":
            return (f"(s.published AND (s.stage IN ('closed', 'evaluation')"
                    f" OR (s.stage = 'open' AND {deadline} <= {p(search.now, 'timestamptz')})))")
        case "draft":
            return "(NOT s.published AND s.stage = 'draft')"
        case _:
            return f"(s.stage = {p(status)})"


def _term(name: str, value: str) -> str:
    """A quoted filter term of ``search_filter_terms`` for a tsquery."""
    text = f"{name}:{value}" if value else name
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _any_of(terms: list[str]) -> str:
    return terms[0] if len(terms) == 1 else "(" + " | ".join(terms) + ")"


#: the stages a status can be in; ``closed`` is most of the history (and an open stage past
#: its deadline), too broad for the index to help: it is checked on the matching rows only
_STAGES: dict[str, list[str] | None] = {"open": ["open"], "closing": ["open"], "closed": None, "draft": ["draft"]}


def filter_terms(search: SolicitationSearch) -> str | None:
    """The filters that are facts of the row (stage, agency, type, set-aside, commodity) as
    one tsquery over the ``terms`` column; ``None`` when there are none."""
    parts = []
    stages = [_STAGES.get(status, [status]) for status in search.status]
    if stages and all(stages):
        parts.append(_any_of([_term("stage", stage) for stage in sorted({s for group in stages for s in group or ()})]))
    for name, values in (("agency", search.agency), ("type", search.type), ("set_aside", search.set_aside),
                         ("code", tuple(digits(c) for c in search.commodity))):
        if values:
            parts.append(_any_of([_term(name, v) for v in values]))
    return " & ".join(parts) or None


def where(search: SolicitationSearch, p: Params, query: str | None) -> list[str]:
    """Conditions shared by the page and the facets (everything but the cursor).

    Row facts go to the index as terms; visibility (drafts are few), what depends on the
    request time (open, closing, closed) and ranges are checked on the matching rows.
    """
    conditions = ["s.published"]
    if search.drafts_of is not None:
        conditions = [f"(s.published OR s.agency_id = {p(search.drafts_of)})"]
    terms = filter_terms(search)
    if terms:
        conditions.append(f"s.terms @@ {p(terms, 'tsquery')}")
    if query:
        conditions.append(f"s.document @@ {query}")
    if search.status:
        # The stage is among the index terms; what is left is checking the deadline against
        # the request time on the rows that match. When words or other filters narrow the
        # search, those rows are few, and intersecting them with the large range of open
        # deadlines in the B-tree costs far more than checking each row (the planner's
        # estimate makes it look cheap), so the deadline is read in a form no index serves.
        # Browsing by status alone keeps the deadline index for ordered pages.
        narrow = bool(query or search.agency or search.type or search.set_aside or search.commodity)
        deadline = "(s.deadline + interval '0 s')" if narrow else "s.deadline"
        conditions.append("(" + " OR ".join(_status_condition(st, p, search, deadline)
                                            for st in search.status) + ")")
    if search.value_min is not None:
        conditions.append(f"s.value_amount >= {p(search.value_min, 'bigint')}")
    if search.value_max is not None:
        conditions.append(f"s.value_amount <= {p(search.value_max, 'bigint')}")
    if search.currency:
        conditions.append(f"s.value_currency = {p(search.currency.upper())}")
    if search.deadline_from is not None:
        conditions.append(f"s.deadline >= {p(search.deadline_from, 'timestamptz')}")
    if search.deadline_to is not None:
        conditions.append(f"s.deadline <= {p(search.deadline_to, 'timestamptz')}")
    return conditions


def _order(sort: str) -> tuple[str, str]:
    """(sort key expression, ORDER BY) for a sort."""
    match sort:
        case "relevance":
            return "s.score", "s.score DESC, s.solicitation_id"
        case "published":
            return "coalesce(s.published_at, 'epoch'::timestamptz)", \
                "coalesce(s.published_at, 'epoch'::timestamptz) DESC, s.solicitation_id"
        case _:
            return "s.deadline", "s.deadline, s.solicitation_id"


def _after(sort: str, key: list[object], p: Params) -> str:
    """Rows strictly after the cursor's row in the sort order."""
    try:
        value, last_id = key
        last = p(str(last_id))
        match sort:
            case "relevance":
                score = p(float(value), "real")  # type: ignore[arg-type]
                return f"(s.score < {score} OR (s.score = {score} AND s.solicitation_id > {last}))"
            case "published":
                at = p(datetime.fromisoformat(str(value)), "timestamptz")
                expr = "coalesce(s.published_at, 'epoch'::timestamptz)"
                return f"({expr} < {at} OR ({expr} = {at} AND s.solicitation_id > {last}))"
            case _:
                at = p(datetime.fromisoformat(str(value)), "timestamptz")
                return f"(s.deadline, s.solicitation_id) > ({at}, {last})"
    except (TypeError, ValueError) as exc:
        raise field_error("cursor", "not a cursor returned by this search") from exc


_SNIPPET_SOURCE = ("replace(replace(replace(d.description || ' ' || d.addenda_text,"
                   " '&', '&amp;'), '<', '&lt;'), '>', '&gt;')")


# The words as PostgreSQL reads them (all must match), and the same words joined by OR for
# ranking, computed once per query: the index scan and the ranking read them as parameters.
_WORDS = ("words AS (SELECT websearch_to_tsquery('english', {q}) AS every_word,"
          " replace(websearch_to_tsquery('english', {q})::text, ' & ', ' | ')::tsquery AS any_word),")

# Counts over every match, as one JSON array of [facet, value, count, label].
_FACETS = """(SELECT json_agg(json_build_array(facet, value, n, label)) FROM (
    SELECT 'status' AS facet, status AS value, count(*) AS n, NULL::text AS label FROM matched GROUP BY status
    UNION ALL SELECT 'status', 'closing', count(*), NULL FROM matched WHERE status = 'open' AND deadline <= {until}
    UNION ALL SELECT 'agency', m.agency_id, count(*), min(a.name) FROM matched m
        LEFT JOIN search_agencies a USING (agency_id) GROUP BY m.agency_id
    UNION ALL SELECT 'type', kind, count(*), NULL FROM matched GROUP BY kind
    UNION ALL SELECT 'set_aside', set_aside, count(*), NULL FROM matched GROUP BY set_aside) f)"""


async def search_solicitations(conn: Connection, search: SolicitationSearch) -> SolicitationResults:
    """One statement: the matches (kept once when facets are asked for, so the page and the
    counts read the index and the rows a single time), the page, and the facet counts."""
    validate(search)
    sort = search.effective_sort
    p = Params()
    words = tsquery = ranking = ""
    if search.q:
        words = _WORDS.format(q=p(search.q, "text"))
        tsquery, ranking = "(SELECT every_word FROM words)", "(SELECT any_word FROM words)"
    conditions = " AND ".join(where(search, p, tsquery or None))
    # Matching needs every word; ranking weighs each word by the field it is in (title
    # first), so a title match outranks words that merely sit close together in the body.
    score = f"ts_rank(s.document, {ranking}, 1)" if ranking else "NULL::real"
    now = p(search.now, "timestamptz")
    key_expr, order_by = _order(sort)
    page_filter = ""
    if search.cursor:
        page_filter = "WHERE " + _after(sort, cursor.decode(search.cursor, search.fingerprint()), p)
    limit = p(search.limit + 1, "int")
    snippet = (f"ts_headline('english', {_SNIPPET_SOURCE}, {tsquery}, 'StartSel=<mark>, StopSel=</mark>,"
               " MaxWords=35, MinWords=15, MaxFragments=2')" if tsquery else
               "left(d.description, 240)")
    facets = "NULL::json"
    if search.facets:
        facets = _FACETS.format(until=p(search.now + timedelta(days=search.closing_within_days), "timestamptz"))
    sql = f"""
    WITH {words} matched AS {"MATERIALIZED" if search.facets else "NOT MATERIALIZED"} (
        SELECT s.solicitation_id, s.agency_id, s.kind, s.set_aside, s.deadline, s.published_at,
               {status_sql(now)} AS status, {score} AS score
        FROM search_solicitations s WHERE {conditions}
    ), page AS (
        SELECT * FROM matched s {page_filter} ORDER BY {order_by} LIMIT {limit}
    )
    SELECT s.solicitation_id, s.agency_id, a.name AS agency_name, s.kind, d.title, {snippet} AS snippet,
           s.status, d.commodity_codes, d.value_amount, d.value_currency, s.set_aside, d.method,
           s.deadline, s.published_at, s.score, d.time_zone, {key_expr} AS sort_key, f.facets
    FROM (SELECT {facets} AS facets) f
    LEFT JOIN (page s JOIN search_solicitations d USING (solicitation_id)
               LEFT JOIN search_agencies a ON a.agency_id = s.agency_id) ON true
    ORDER BY {order_by}
    """
    rows = await conn.fetch(sql, *p.values)
    counts = rows[0]["facets"] if rows else None
    rows = [row for row in rows if row["solicitation_id"] is not None]
    if not rows and search.q:
        await _check_words(conn, search.q)
    more = len(rows) > search.limit
    rows = rows[: search.limit]
    next_cursor = None
    if more:
        last = rows[-1]
        key = last["sort_key"]
        next_cursor = cursor.encode(search.fingerprint(), [
            key if isinstance(key, float) else key.isoformat(), last["solicitation_id"]])
    items = [_hit(row) for row in rows]
    total = facet_counts = None
    if search.facets:
        facet_counts, total = _facet_counts(counts)
    return SolicitationResults(items=items, next_cursor=next_cursor, total=total, facets=facet_counts)


def _facet_counts(raw: str | None) -> tuple[dict[str, list[FacetCount]], int]:
    facets: dict[str, list[FacetCount]] = {name: [] for name in FACETS}
    total = 0
    for facet, value, count, label in msgspec.json.decode(raw or "[]"):
        if count == 0:
            continue
        facets[facet].append(FacetCount(value=value, count=count, label=label))
        if facet == "status" and value != "closing":
            total += count
    for name in FACETS:
        facets[name].sort(key=lambda f: (-f.count, f.value))
    return facets, total


async def _check_words(conn: Connection, text: str) -> None:
    """Nothing matched: say so plainly when the words are too common to search for."""
    if await conn.fetchval("SELECT numnode(websearch_to_tsquery('english', $1)) = 0", text):
        raise field_error("q", "only very common words; add a more specific one")


def _hit(row: asyncpg.Record) -> SolicitationHit:
    value = None
    if row["value_amount"] is not None:
        value = Money(amount=row["value_amount"], currency=row["value_currency"])
    return SolicitationHit(
        id=row["solicitation_id"], agency_id=row["agency_id"], agency_name=row["agency_name"],
        type=row["kind"], title=row["title"], snippet=row["snippet"] or "", status=row["status"],
        commodity_codes=list(row["commodity_codes"]), estimated_value=value,
        set_aside=None if row["set_aside"] == "none" else row["set_aside"], method=row["method"],
        submission_deadline=row["deadline"], published_at=row["published_at"], score=row["score"],
        time_zone=row["time_zone"], local_submission_deadline=local(row["deadline"], row["time_zone"]),
    )
