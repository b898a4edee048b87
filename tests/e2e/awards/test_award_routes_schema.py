"""The routes the issue names are a contract: exact paths and methods, in the OpenAPI
schema, each documenting its error statuses."""

from __future__ import annotations

ROUTES = [
    ("post", "/solicitations/{solicitation_id}/evaluators"),
    ("post", "/solicitations/{solicitation_id}/coi-declarations"),
    ("post", "/bids/{bid_id}/responsiveness"),
    ("post", "/bids/{bid_id}/scores"),
    ("post", "/solicitations/{solicitation_id}/scores/finalize"),
    ("get", "/solicitations/{solicitation_id}/evaluation"),
    ("post", "/solicitations/{solicitation_id}/award-recommendation"),
    ("post", "/awards/{award_id}/protests"),
    ("post", "/protests/{protest_id}/decision"),
    ("post", "/awards/{award_id}/finalize"),
    ("get", "/awards/{award_id}"),
    ("get", "/contracts/{contract_id}"),
    ("post", "/contracts/{contract_id}/sign"),
    ("post", "/contracts/{contract_id}/modifications"),
    ("post", "/contracts/{contract_id}/performance-ratings"),
    ("post", "/contracts/{contract_id}/terminate"),
    ("get", "/contracts"),
    ("get", "/awards"),
    ("post", "/contracts/{contract_id}/modifications/{number}/approval"),
    ("post", "/contracts/{contract_id}/performance-ratings/{rating_id}/response"),
    ("post", "/contracts/{contract_id}/complete"),
]


async def test_every_award_and_contract_route_is_in_the_schema(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for method, path in ROUTES:
        operation = paths[f"/api/v1{path}"][method]
        errors = {code for code in operation["responses"] if code.startswith("4")}
        assert "404" in errors or path in ("/contracts", "/awards"), (method, path, errors)
        error_schema = operation["responses"][sorted(errors)[0]]["content"]["application/json"]["schema"]
        assert error_schema, (method, path)
