from projections.ocds.merge import compile_releases, merge


def test_objects_merge_field_by_field_and_null_removes():
    earlier = {
        "tender": {
            "id": "s1",
            "status": "active",
            "title": "Paving",
            "value": {"amount": 5, "currency": "USD"},
        }
    }
    later = {"tender": {"id": "s1", "status": "complete", "title": None}}
    assert merge(earlier, later) == {
        "tender": {"id": "s1", "status": "complete", "value": {"amount": 5, "currency": "USD"}}
    }
    assert earlier["tender"]["title"] == "Paving"  # inputs are not modified


def test_arrays_of_identified_objects_merge_by_id_in_order_of_first_appearance():
    earlier = {
        "awards": [
            {"id": "a1", "status": "pending", "value": {"amount": 1}},
            {"id": "a2", "status": "pending"},
        ]
    }
    later = {"awards": [{"id": "a3", "status": "pending"}, {"id": "a1", "status": "active"}]}
    assert merge(earlier, later)["awards"] == [
        {"id": "a1", "status": "active", "value": {"amount": 1}},
        {"id": "a2", "status": "pending"},
        {"id": "a3", "status": "pending"},
    ]


def test_other_arrays_are_replaced():
    earlier = {
        "parties": [{"id": "p", "roles": ["buyer", "procuringEntity"]}],
        "tender": {"submissionMethod": ["a", "b"]},
    }
    later = {"parties": [{"id": "p", "roles": ["payer"]}], "tender": {"submissionMethod": ["c"]}}
    merged = merge(earlier, later)
    assert merged["parties"] == [{"id": "p", "roles": ["payer"]}]
    assert merged["tender"]["submissionMethod"] == ["c"]


def test_compiled_release_omits_release_metadata_and_is_tagged_compiled():
    releases = [
        {
            "ocid": "ocds-x-1",
            "id": "r1",
            "date": "2026-01-01T00:00:00Z",
            "tag": ["tender"],
            "initiationType": "tender",
            "tender": {"id": "1", "status": "active", "hasEnquiries": False},
        },
        {
            "ocid": "ocds-x-1",
            "id": "r2",
            "date": "2026-01-02T00:00:00Z",
            "tag": ["tenderUpdate"],
            "initiationType": "tender",
            "tender": {"id": "1", "status": "complete"},
        },
    ]
    compiled = compile_releases(releases)
    assert compiled == {
        "ocid": "ocds-x-1",
        "id": "ocds-x-1-compiled",
        "date": "2026-01-02T00:00:00Z",
        "tag": ["compiled"],
        "initiationType": "tender",
        "tender": {"id": "1", "status": "complete", "hasEnquiries": False},
    }
