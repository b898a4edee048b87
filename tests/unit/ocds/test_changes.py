"""Event -> change mapping, on the real event classes, without servers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec

from events import contracts, solicitations
from events.base import Money
from projections.ocds.contracting import CONTRACT_EVENTS, contract_change
from projections.ocds.process import Process
from projections.ocds.releases import build_release
from projections.ocds.tender import category_of, main_category, scheme_of, tender_change

WHEN = "2026-02-02T15:00:00Z"
AT = datetime(2026, 2, 2, 15, tzinfo=UTC)


def refs(org_id: str) -> dict:
    return {"id": org_id, "name": org_id.upper()}


def change(event, process):
    data = msgspec.to_builtins(event)
    if type(event) in CONTRACT_EVENTS:
        return contract_change(event, data, process, WHEN, refs)
    return tender_change(event, data, process, WHEN, refs)


def created(**overrides):
    fields = dict(
        solicitation_id="s1",
        agency_id="ag1",
        solicitation_type="RFP",
        title="Janitorial",
        description="Clean the buildings",
        commodity_codes=["91039"],
        estimated_value=Money(amount=12_000_00, currency="USD"),
        method="selective",
        submission_deadline=AT,
        questions_deadline=AT,
        opening_time=AT,
        criteria=[
            solicitations.Criterion(criterion_id="p", name="Price", weight=40, is_price=True),
            solicitations.Criterion(criterion_id="q", name="Quality", weight=60),
        ],
    )
    return solicitations.SolicitationCreated(**{**fields, **overrides})


def test_a_draft_is_not_public_and_its_last_edit_is_what_gets_published():
    process = Process(ocid="ocds-civic-s1", solicitation_id="s1")
    assert change(created(), process) is None
    edit = msgspec.structs.asdict(created(title="Janitorial services"))
    edit.pop("agency_id"), edit.pop("jurisdiction"), edit.pop("created_by"), edit.pop("time_zone")
    assert change(solicitations.SolicitationUpdated(**edit), process) is None
    assert (
        change(solicitations.SolicitationCancelled(solicitation_id="s1", reason="x"), process)
        is None
    )

    published = change(
        solicitations.SolicitationPublished(
            solicitation_id="s1", agency_id="ag1", published_at=AT, submission_deadline=AT
        ),
        process,
    )
    tender = published.patch["tender"]
    assert published.tags == ["planning", "tender"]
    assert tender["title"] == "Janitorial services"
    assert (
        tender["procurementMethod"] == "selective"
        and tender["mainProcurementCategory"] == "services"
    )
    assert tender["awardCriteria"] == "ratedCriteria"
    assert tender["awardCriteriaDetails"] == "Price 40%; Quality 60%"
    assert tender["value"] == {"amount": 12000, "currency": "USD"}
    assert published.roles == [("ag1", "buyer"), ("ag1", "procuringEntity")]
    # a repeated publication event publishes nothing more
    assert (
        change(
            solicitations.SolicitationPublished(
                solicitation_id="s1", agency_id="ag1", published_at=AT, submission_deadline=AT
            ),
            process,
        )
        is None
    )


def test_an_unsuccessful_process_is_reported_once_though_two_contexts_say_so():
    process = Process(ocid="o", solicitation_id="s1", published=True, tender_status="active")
    first = change(solicitations.SolicitationUnsuccessful(solicitation_id="s1"), process)
    assert first.patch["tender"]["status"] == "unsuccessful"
    from events import awards

    assert (
        change(
            awards.SolicitationUnsuccessful(solicitation_id="s1", reason="none responsive"), process
        )
        is None
    )


def test_a_contract_counts_as_signed_once_both_sides_signed():
    process = Process(ocid="o", solicitation_id="s1", published=True, contracts={"c1": "a1"})
    vendor = contracts.ContractSigned(
        contract_id="c1", party="vendor", signed_by="v-sub", signed_at=AT
    )
    buyer = contracts.ContractSigned(contract_id="c1", party="buyer", signed_by="b-sub")
    assert change(vendor, process) is None
    assert change(vendor, process) is None
    signed = change(buyer, process)
    assert signed.patch == {"contracts": [{"id": "c1", "awardID": "a1", "dateSigned": WHEN}]}
    assert "b-sub" not in msgspec.json.encode(signed.patch).decode()


def test_events_of_an_unknown_contract_publish_nothing():
    process = Process(ocid="o", solicitation_id="s1", published=True)
    modified = contracts.ContractModified(
        contract_id="c9",
        number=1,
        reason="r",
        value=Money(amount=1, currency="USD"),
        end_date=date(2027, 1, 1),
    )
    assert change(modified, process) is None


def test_parties_carry_every_role_they_hold_so_far():
    process = Process(ocid="o", solicitation_id="s1", published=True)
    process.add_role("v1", "tenderer")
    opened = contracts.ContractOpened(
        contract_id="c1",
        award_id="a1",
        solicitation_id="s1",
        agency_id="ag1",
        vendor_id="v1",
        value=Money(amount=5, currency="JPY"),
        start_date=date(2026, 3, 1),
        end_date=date(2026, 9, 30),
        terms_ref="t",
        requires_receipt=False,
    )
    release = build_release(
        process,
        change(opened, process),
        event_id="e1",
        date=WHEN,
        facts={"v1": {"name": "Vendor One", "employees": 3, "tax_id_never_kept": None}},
    )
    assert release["id"] == "o-e1" and release["tag"] == ["contract"]
    assert release["parties"] == [
        {
            "id": "v1",
            "name": "Vendor One",
            "roles": ["tenderer", "supplier"],
            "details": {"scale": "micro"},
        }
    ]
    assert release["contracts"][0]["value"] == {"amount": 5, "currency": "JPY"}
    assert release["contracts"][0]["period"] == {
        "startDate": "2026-03-01T00:00:00Z",
        "endDate": "2026-09-30T23:59:59Z",
    }


def test_commodity_codes_are_classified_by_their_scheme():
    assert [scheme_of(c) for c in ("91300", "236220", "72101500", "ABC", "12")] == [
        "NIGP",
        "NAICS",
        "UNSPSC",
        None,
        None,
    ]
    assert [
        category_of(c)
        for c in (
            "91300",
            "07045",
            "96200",
            "236220",
            "336111",
            "541511",
            "72101500",
            "43211503",
            "80111600",
        )
    ] == ["works", "goods", "services", "works", "goods", "services", "works", "goods", "services"]
    assert main_category(["91300", "07045", "91039"]) == "works"
    assert main_category([]) == "goods"


def test_a_publication_without_a_known_draft_still_makes_a_valid_tender():
    process = Process(ocid="ocds-civic-s2", solicitation_id="s2")
    published = change(
        solicitations.SolicitationPublished(
            solicitation_id="s2",
            agency_id="ag1",
            published_at=AT,
            submission_deadline=AT,
            title="Salt",
        ),
        process,
    )
    assert "budget" not in published.patch["planning"]
    assert "value" not in published.patch["tender"]
    assert published.patch["tender"]["title"] == "Salt"
    assert published.patch["tender"]["tenderPeriod"] == {"startDate": WHEN, "endDate": WHEN}


def test_only_web_addresses_become_document_links():
    from projections.ocds.tender import documents

    docs = documents(
        [
            {"name": "Spec", "url": "https://docs.example/spec.pdf"},
            {"name": "Map", "url": "map.pdf"},
            {"name": "Plan", "url": "javascript:alert(1)"},
            {"name": "Note"},
        ],
        "document",
        WHEN,
    )
    assert [d.get("url") for d in docs] == ["https://docs.example/spec.pdf", None, None, None]
    assert [d["id"] for d in docs] == ["document-1", "document-2", "document-3", "document-4"]
