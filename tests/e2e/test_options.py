"""OPTIONS on every path of the schema answers 204 with an Allow header naming every
method the schema documents for it, whoever asks (no token needed)."""

from __future__ import annotations

METHODS = ("get", "post", "put", "patch", "delete")


async def test_options_allow_every_documented_method(client):
    schema = (await client.get("/schema/openapi.json")).json()
    wrong = []
    for path, item in schema["paths"].items():
        concrete = path.replace("{number}", "1").replace("{", "x").replace("}", "")
        response = await client.options(concrete)
        allow = {m.strip().lower() for m in response.headers.get("allow", "").split(",")}
        documented = {m for m in item if m in METHODS}
        if response.status_code != 204 or not documented <= allow:
            wrong.append((path, response.status_code, sorted(documented - allow)))
    assert len(schema["paths"]) > 50
    assert not wrong, wrong
