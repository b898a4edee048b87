"""Who may call each route: the checked-in table the authorization matrix tests against.

Keys are ``(METHOD, path template)`` exactly as the app's route table spells them. Every
route must have an entry (a new route without one fails the matrix), and every entry
must name a route that exists (a removed route fails too).

- ``PUBLIC``: anyone, with or without a token. An invalid token is still refused (401).
- ``roles(...)``: only tokens with one of these roles; no token -> 401, others -> 403.
  With the random ids the matrix uses, an allowed role gets past authorization and
  then usually a 404 (no such resource) or 422 (the empty body the matrix sends):
  anything but 401/403 and never a 5xx.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES = frozenset({"vendor", "buyer", "evaluator", "finance", "auditor", "admin"})


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    public: bool = False


PUBLIC = Access(roles=ALL_ROLES, public=True)


def roles(*names: str) -> Access:
    unknown = set(names) - ALL_ROLES
    assert not unknown, f"unknown roles {unknown}"
    return Access(roles=frozenset(names))


AGENCY_STAFF = ("admin", "buyer", "finance", "auditor", "evaluator")

SPEC: dict[tuple[str, str], Access] = {
    # system
    ("GET", "/health"): PUBLIC,
    ("GET", "/ready"): PUBLIC,
    ("GET", "/schema"): PUBLIC,
    ("GET", "/schema/openapi.json"): PUBLIC,
    ("GET", "/schema/scalar"): PUBLIC,
    ("GET", "/schema/{path:str}"): PUBLIC,
    ("GET", "/api/v1/dev/clock"): roles("admin"),
    ("POST", "/api/v1/dev/clock"): roles("admin"),
    # agencies
    ("POST", "/api/v1/agencies"): roles("admin"),
    ("GET", "/api/v1/agencies/{agency_id:str}"): roles(*AGENCY_STAFF),
    ("PUT", "/api/v1/agencies/{agency_id:str}/goals"): roles("admin"),
}
