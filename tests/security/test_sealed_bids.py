"""Before the opening, a bid's price and answers appear nowhere but in its vendor's own
view: not in any route's answer to anyone else, not in any read model, not in a log
line; and no route tells anyone how many bids there are."""

from __future__ import annotations

import re

from tests.e2e.solicitations.helpers import API, bid_body, bidder, new_agency, published
from tests.reliability.consistency import wait_caught_up
from tests.security.logscan import capture_logs
from tests.security.routes import concrete_path, route_table
from tests.support import unique

PRICE = 918_273_645  # minor units
PRICE_TEXTS = ("918273645", "9182736.45", "9,182,736.45", "9182736")
REPLACED_PRICE = 918_273_699
SECRET = "quartz-heron-confidential-approach"
_PARAM = re.compile(r"\{(\w+):\w+\}")


def _path_for(template: str, ids: dict[str, str]) -> str:
    known = _PARAM.sub(lambda m: ids.get(m.group(1), m.group(0)), template)
    return concrete_path(known)


async def _readable_tables(civic) -> list[str]:
    rows = await civic.pool.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        " AND table_type = 'BASE TABLE' AND table_name NOT IN ('events')")
    return [r["table_name"] for r in rows]


async def test_sealed_bid_content_and_count_reach_no_one_before_opening(client, token, civic):
    with capture_logs() as logs:
        agency_id, buyer = await new_agency(client, token)
        vendor_id, owner = await bidder(client, token, civic)
        other_vendor_id, other_vendor = await bidder(client, token, civic)
        solicitation = await published(client, token, buyer)
        body = bid_body(PRICE, solicitation)
        body["responses"][0]["text"] = SECRET
        submitted = await client.post(f"{API}/solicitations/{solicitation['id']}/bids", json=body, headers=owner)
        assert submitted.status_code == 201, submitted.text
        bid_id = submitted.json()["id"]
        replaced = await client.put(f"{API}/bids/{bid_id}", headers=owner,
                                    json=bid_body(REPLACED_PRICE, solicitation) | {"responses": body["responses"]})
        assert replaced.status_code == 200, replaced.text
        await wait_caught_up(civic, max_wait=30)
        # The control: the vendor sees its own bid, so the search below can find a leak.
        own = await client.get(f"{API}/bids/{bid_id}", headers=owner)
        assert own.status_code == 200 and SECRET in own.text and str(REPLACED_PRICE) in own.text

        ids = {"solicitation_id": solicitation["id"], "bid_id": bid_id, "agency_id": agency_id,
               "vendor_id": vendor_id}
        callers = {
            "anonymous": {},
            "another vendor": other_vendor,
            "the agency's buyer": buyer,
            "another agency's buyer": token("buyer", sub=unique("b"), agency=unique("ag")),
            "evaluator": token("evaluator", sub=unique("e"), agency=agency_id),
            "finance": token("finance", sub=unique("f"), agency=agency_id),
            "auditor": token("auditor", sub=unique("a")),
            "admin": token("admin"),
        }
        gets = [path for method, path in route_table(client.app) if method == "GET"
                and not path.startswith("/schema")]
        leaks, answered = [], 0
        for name, headers in callers.items():
            for template in gets:
                response = await client.get(_path_for(template, ids), headers=headers)
                assert response.status_code < 500, (name, template, response.text)
                answered += response.status_code == 200
                text = response.text
                for needle in (*PRICE_TEXTS, str(REPLACED_PRICE), SECRET):
                    if needle in text:
                        leaks.append(f"{name} GET {template}: {needle}")
                if '"bids_received":true' in text.replace(" ", "") or '"bid_count"' in text:
                    leaks.append(f"{name} GET {template}: bid count")
        assert answered > 0
        assert not leaks, leaks

        for table in await _readable_tables(civic):
            hits = await civic.pool.fetchval(
                f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE ANY($1::text[])',
                [f"%{n}%" for n in (*PRICE_TEXTS, str(REPLACED_PRICE), SECRET)])
            assert hits == 0, f"read model {table} holds sealed bid content"
    logs.assert_never_contains(*PRICE_TEXTS, str(REPLACED_PRICE), SECRET)
