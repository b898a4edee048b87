"""A release from a change: the fields every release has, and the parties it touches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from projections.ocds import organisations
from projections.ocds.process import Change, Process


def release_id(ocid: str, event_id: str) -> str:
    """Stable across rebuilds: one release per event, named after it."""
    return f"{ocid}-{event_id}"


def build_release(
    process: Process,
    change: Change,
    *,
    event_id: str,
    date: str,
    facts: Mapping[str, dict[str, Any]],
) -> dict[str, Any]:
    """The release of ``change``; parties carry every role they hold in the process so far
    (``roles`` is replaced, not merged, when releases are compiled)."""
    touched: list[str] = []
    for org_id, role in change.roles:
        process.add_role(org_id, role)
        if org_id not in touched:
            touched.append(org_id)
    release: dict[str, Any] = {
        "ocid": process.ocid,
        "id": release_id(process.ocid, event_id),
        "date": date,
        "tag": change.tags,
        "initiationType": "tender",
    }
    if touched:
        release["parties"] = [
            organisations.party(org_id, facts.get(org_id), process.roles[org_id])
            for org_id in touched
        ]
    release.update(change.patch)
    return release
