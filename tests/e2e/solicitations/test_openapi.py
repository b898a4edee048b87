"""The routes the issue names are in the OpenAPI schema, exactly, with their errors."""

from __future__ import annotations

ROUTES = {
    ("post", "/api/v1/solicitations"): {"401", "403", "409", "422"},
    ("patch", "/api/v1/solicitations/{solicitation_id}"): {"401", "403", "404", "409", "422"},
    ("post", "/api/v1/solicitations/{solicitation_id}/publish"): {"401", "403", "404", "409", "422"},
    ("post", "/api/v1/solicitations/{solicitation_id}/addenda"): {"401", "403", "404", "409", "422"},
    ("post", "/api/v1/solicitations/{solicitation_id}/questions"): {"401", "403", "404", "409", "422"},
    ("post", "/api/v1/solicitations/{solicitation_id}/questions/{question_id}/answer"): {"404", "409", "422"},
    ("post", "/api/v1/solicitations/{solicitation_id}/cancel"): {"401", "403", "404", "409", "422"},
    ("get", "/api/v1/solicitations/{solicitation_id}"): {"404"},
    ("post", "/api/v1/solicitations/{solicitation_id}/bids"): {"401", "403", "404", "409", "422"},
    ("put", "/api/v1/bids/{bid_id}"): {"401", "403", "404", "409", "422"},
    ("post", "/api/v1/bids/{bid_id}/withdraw"): {"404", "409"},
    ("post", "/api/v1/bids/{bid_id}/acknowledge-addendum"): {"404", "409", "422"},
    ("get", "/api/v1/bids/{bid_id}"): {"401", "403", "404"},
    ("get", "/api/v1/solicitations/{solicitation_id}/tabulation"): {"401", "403", "404", "409"},
    ("get", "/api/v1/criteria-library"): set(),
    ("get", "/api/v1/follows"): {"401", "403"},
    ("post", "/api/v1/follows"): {"401", "403", "422"},
    ("delete", "/api/v1/follows/{commodity_code}"): {"401", "403", "404"},
    ("get", "/api/v1/notices"): {"401", "403"},
}


async def test_every_route_is_documented_with_its_errors(client):
    schema = (await client.get("/schema/openapi.json")).json()
    for (method, path), errors in ROUTES.items():
        operation = schema["paths"].get(path, {}).get(method)
        assert operation is not None, f"{method.upper()} {path} missing from the schema"
        assert errors <= set(operation["responses"]), (method, path, sorted(operation["responses"]))
        for status in errors:
            body = operation["responses"][status]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)
