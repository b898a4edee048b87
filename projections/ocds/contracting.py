"""Award and contract events -> award and contract changes.

Evaluation (evaluators, scores, rankings), protests and who decided are not published:
an award shows its status, value, supplier and date; a contract its status, value,
period, signature date and amendments.
"""

from __future__ import annotations

from typing import Any

from events.awards import AwardCancelled, AwardFinalized, IntentToAwardPublished
from events.base import Event
from events.contracts import (
    ContractActivated,
    ContractCompleted,
    ContractModified,
    ContractOpened,
    ContractSigned,
    ContractTerminated,
)
from projections.ocds.process import Change, Process, Refs
from projections.ocds.values import day_end, day_start, timestamp, value


def _award(data: dict[str, Any], status: str, date: str, refs: Refs) -> dict[str, Any]:
    award: dict[str, Any] = {
        "id": data["award_id"],
        "status": status,
        "date": date,
        "value": value(data["value"]),
        "suppliers": [refs(data["vendor_id"])],
    }
    if data.get("contract_start") and data.get("contract_end"):
        award["contractPeriod"] = {
            "startDate": day_start(data["contract_start"]),
            "endDate": day_end(data["contract_end"]),
        }
    return award


def award_change(
    event: Event, data: dict[str, Any], process: Process, when: str, refs: Refs
) -> Change | None:
    if not process.published:
        return None
    award_id = data.get("award_id", "")
    known = award_id in process.awards
    match event:
        case IntentToAwardPublished():
            award = _award(data, "pending", timestamp(data.get("published_at") or when), refs)
        case AwardFinalized():
            award = _award(data, "active", timestamp(data["finalized_at"]), refs)
        case AwardCancelled():
            if not known:
                return None
            award = {"id": award_id, "status": "cancelled"}
            return Change(["awardCancellation"], {"awards": [award]})
        case _:
            return None
    if not known:
        process.awards.append(award_id)
    return Change(
        ["awardUpdate"] if known else ["award"],
        {"awards": [award]},
        [(data["vendor_id"], "supplier")],
    )


def _contract(process: Process, contract_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": contract_id, "awardID": process.contracts[contract_id], **fields}


def contract_change(
    event: Event, data: dict[str, Any], process: Process, when: str, refs: Refs
) -> Change | None:
    contract_id = data["contract_id"]
    if isinstance(event, ContractOpened):
        process.contracts[contract_id] = data["award_id"]
        contract = _contract(
            process,
            contract_id,
            status="pending",
            value=value(data["value"]),
            period={
                "startDate": day_start(data["start_date"]),
                "endDate": day_end(data["end_date"]),
            },
        )
        return Change(["contract"], {"contracts": [contract]}, [(data["vendor_id"], "supplier")])
    if contract_id not in process.contracts:
        return None
    match event:
        case ContractSigned():
            signed = process.signatures.setdefault(contract_id, [])
            if data["party"] in signed:
                return None
            signed.append(data["party"])
            if not {"buyer", "vendor"} <= set(signed):
                return None  # signed by both sides is the public fact
            date = timestamp(data.get("signed_at") or when)
            return Change(
                ["contractUpdate"],
                {"contracts": [_contract(process, contract_id, dateSigned=date)]},
            )
        case ContractActivated():
            fields: dict[str, Any] = {"status": "active"}
            if data.get("end_date"):
                fields["period"] = {"endDate": day_end(data["end_date"])}
            return Change(
                ["contractUpdate"], {"contracts": [_contract(process, contract_id, **fields)]}
            )
        case ContractModified():
            amendment = {
                "id": f"{contract_id}-amendment-{data['number']}",
                "date": timestamp(data.get("modified_at") or when),
                "rationale": data["reason"],
                "description": data.get("kind", "other").replace("_", " ").capitalize(),
            }
            contract = _contract(
                process,
                contract_id,
                value=value(data["value"]),
                period={"endDate": day_end(data["end_date"])},
                amendments=[amendment],
            )
            return Change(["contractAmendment"], {"contracts": [contract]})
        case ContractCompleted() | ContractTerminated():
            # contractStatus 1.1 has one closing status for completion and early termination
            return Change(
                ["contractTermination"],
                {"contracts": [_contract(process, contract_id, status="terminated")]},
            )
    return None


AWARD_EVENTS: frozenset[type[Event]] = frozenset(
    {
        IntentToAwardPublished,
        AwardFinalized,
        AwardCancelled,
    }
)
CONTRACT_EVENTS: frozenset[type[Event]] = frozenset(
    {
        ContractOpened,
        ContractSigned,
        ContractActivated,
        ContractModified,
        ContractCompleted,
        ContractTerminated,
    }
)
