"""Every integer a client can send has bounds in the schema, so a value out of range is a
422 before it reaches a decider, a projection or SQL (int64 columns, money arithmetic).

Money amounts are at most ``kernel.limits.MAX_AMOUNT`` minor units; every other integer
fits a PostgreSQL ``bigint``."""

from __future__ import annotations

from typing import Any

from infra.http.app import create_app
from infra.settings import Settings
from kernel.limits import INT64_MAX, MAX_AMOUNT


def _schema() -> dict[str, Any]:
    return create_app(Settings(dev_clock=True)).openapi_schema.to_schema()


_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _integers(node: Any, where: str, refs: dict[str, Any], seen: set[str]):
    """(where, schema) of every integer schema reachable from ``node``."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[1]
            if name not in seen:
                seen.add(name)
                yield from _integers(refs[name], f"{where}->{name}", refs, seen)
            return
        if node.get("type") in ("integer", "number") or (isinstance(node.get("type"), list) and {"integer", "number"} & set(node["type"])):
            yield where, node
        for key, value in node.items():
            if key in ("properties",):
                for prop, sub in value.items():
                    yield from _integers(sub, f"{where}.{prop}", refs, seen)
            elif key in ("oneOf", "anyOf", "allOf"):
                # bounds written beside a union (``int | None``) apply to its integer branch
                bounds = {k: node[k] for k in _BOUNDS if k in node}
                for branch in value:
                    yield from _integers({**bounds, **branch} if isinstance(branch, dict) else branch,
                                         where, refs, seen)
            elif key in ("items", "additionalProperties", "schema"):
                yield from _integers(value, where, refs, seen)
    elif isinstance(node, list):
        for item in node:
            yield from _integers(item, where, refs, seen)


def _client_integers():
    schema = _schema()
    refs = schema.get("components", {}).get("schemas", {})
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            route = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                yield from _integers(parameter.get("schema", {}), f"{route} {parameter['name']}", refs, set())
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                yield from _integers(media.get("schema", {}), f"{route} body", refs, set())


def test_every_integer_a_client_sends_is_bounded():
    unbounded, checked = [], 0
    for where, schema in _client_integers():
        checked += 1
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        # a float's lower bound of 0 on an optional field is dropped by the schema
        # generator (a falsy value); msgspec still enforces it. Integers must show both.
        integer = "integer" in str(schema.get("type")) or "integer" in str(schema.get("oneOf"))
        if (low is None and integer) or high is None or (low is not None and low < -INT64_MAX - 1) \
                or high > INT64_MAX:
            unbounded.append(where)
        elif where.endswith(".amount") and high > MAX_AMOUNT:
            unbounded.append(f"{where} (money above {MAX_AMOUNT})")
    assert checked > 20
    assert not sorted(set(unbounded)), sorted(set(unbounded))
