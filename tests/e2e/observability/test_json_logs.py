"""``CIVIC_LOG_FORMAT=json``: one JSON object per line with the request's context, and no
token, key or tax id in any line."""

from __future__ import annotations

import json
import logging

from infra.observability.logs import JsonFormatter, formatter
from tests.security.logscan import capture_logs
from tests.support import unique

FIELDS = {"time", "level", "logger", "message"}


async def test_json_lines_carry_the_request_context_and_no_secret(client, token, settings):
    admin = token("admin", sub="auditor-of-logs")
    bearer = admin["Authorization"].removeprefix("Bearer ")
    tax_id = "98-7654321"
    with capture_logs() as logs:
        logging.getLogger("civic.test").info("before any request")
        agency_id = unique("ag")
        created = await client.post("/api/v1/agencies", headers={**admin, "X-Request-Id": "req-42"},
                                    json={"agency_id": agency_id, "name": "Libraries",
                                          "jurisdiction": "US-MA-Boston"})
        assert created.status_code == 201
        assert created.headers["x-request-id"] == "req-42"
        vendor = await client.post("/api/v1/vendors", headers=token("vendor", vendor=unique("vd")),
                                   json={"legal_name": "Acme", "tax_id": tax_id})
        assert vendor.status_code < 500
        refused = await client.get("/api/v1/agencies/x", headers={"Authorization": "Bearer forged." + bearer[-20:]})
        assert refused.status_code == 401
        # Inside a request, a line knows which request and whom it is for.
        in_request = await client.get(f"/api/v1/agencies/{agency_id}",
                                      headers={**admin, "X-Request-Id": "req-43"})
        assert in_request.status_code == 200
    lines = [json.loads(line) for line in logs.json_lines]
    assert lines, "nothing was logged: the scan would prove nothing"
    for line in lines:
        assert FIELDS <= set(line), line
        assert line["level"] in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
    [access] = [line for line in lines if line.get("request_id") == "req-43"]
    assert access["logger"] == "civic.http.access" and access["actor"] == "auditor-of-logs"
    assert access["message"].startswith("GET /api/v1/agencies/{agency_id} 200")
    logs.assert_never_contains(bearer, bearer.split(".")[2], settings.signing_key or bearer,
                               tax_id, tax_id.replace("-", ""))


def test_a_line_is_one_json_object_with_the_bound_context():
    from infra.observability import context

    record = logging.LogRecord("civic.x", logging.WARNING, __file__, 1, "hello %s", ("world",), None)
    with context.bound(request_id="r-1", correlation_id="c-1", actor="u-1"):
        line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) | {"time": "t"} == {
        "time": "t", "level": "WARNING", "logger": "civic.x", "message": "hello world",
        "request_id": "r-1", "correlation_id": "c-1", "actor": "u-1"}
    assert not isinstance(formatter("text"), JsonFormatter)
