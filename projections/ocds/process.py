"""The working state of one contracting process, kept by the projection between events.

It holds what later releases need but no release states by itself: the draft content
before publication, each party's roles so far, which awards and contracts exist and
which signatures a contract has.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import msgspec


class Process(msgspec.Struct, kw_only=True):
    ocid: str
    solicitation_id: str
    agency_id: str = ""
    draft: dict[str, Any] = {}
    published: bool = False
    tender_status: str = ""
    #: party id -> its roles, in the order they were taken
    roles: dict[str, list[str]] = {}
    awards: list[str] = []
    #: contract id -> award id (every contract in a release must name its award)
    contracts: dict[str, str] = {}
    #: contract id -> the parties that signed it
    signatures: dict[str, list[str]] = {}

    def add_role(self, org_id: str, role: str) -> None:
        roles = self.roles.setdefault(org_id, [])
        if role not in roles:
            roles.append(role)


class Change(NamedTuple):
    """One public change: its release tags, the release fields, and roles taken."""

    tags: list[str]
    patch: dict[str, Any]
    roles: list[tuple[str, str]] = []


#: org id -> OrganizationReference (id and name)
Refs = Callable[[str], dict[str, Any]]

encode_process = msgspec.json.Encoder().encode
decode_process = msgspec.json.Decoder(Process).decode


def ocid_for(prefix: str, solicitation_id: str) -> str:
    return f"ocds-{prefix}-{solicitation_id}"
