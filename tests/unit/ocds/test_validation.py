import copy

import pytest

from projections.ocds import packages, validation

RELEASE = {
    "ocid": "ocds-civic-s1",
    "id": "ocds-civic-s1-e1",
    "date": "2026-02-02T17:00:00Z",
    "tag": ["planning", "tender"],
    "initiationType": "tender",
    "parties": [{"id": "ag1", "name": "Port", "roles": ["buyer", "procuringEntity"]}],
    "tender": {
        "id": "s1",
        "status": "active",
        "procurementMethod": "open",
        "mainProcurementCategory": "works",
        "value": {"amount": 1234.5, "currency": "USD"},
        "items": [{"id": "1", "classification": {"scheme": "NIGP", "id": "91300"}}],
        "documents": [{"id": "d1", "documentType": "biddingDocuments"}],
    },
}


def _package(release=RELEASE):
    return packages.release_package("https://open.example/api/v1/ocds/releases", [release])


def test_a_valid_release_package_and_its_record_package_pass():
    assert validation.problems(_package()) == []
    record = packages.record_package(
        "https://open.example/r", [packages.record("ocds-civic-s1", [RELEASE])]
    )
    assert validation.problems(record) == []


@pytest.mark.parametrize(
    ("path", "bad", "expected"),
    [
        (("tender", "status"), "open", "'open' is not one of"),
        (("tag",), ["draft"], "'draft' is not one of"),
        (("tender", "value", "amount"), "1234.50", "is not of type"),
        (("date",), "yesterday", "is not a 'date-time'"),
    ],
)
def test_schema_violations_are_reported(path, bad, expected):
    release = copy.deepcopy(RELEASE)
    target = release
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    errors = validation.schema_errors(_package(release))
    assert any(expected in e for e in errors), errors


def test_values_outside_open_codelists_are_reported_too():
    release = copy.deepcopy(RELEASE)
    release["parties"][0]["roles"] = ["buyer", "boss"]
    release["tender"]["documents"][0]["documentType"] = "memo"
    release["tender"]["items"][0]["classification"]["scheme"] = "MADEUP"
    release["tender"]["value"]["currency"] = "XXY"
    errors = validation.codelist_errors(_package(release))
    assert sorted(e.split(": ")[1] for e in errors) == sorted(
        [
            "'boss' is not in partyRole.csv",
            "'memo' is not in documentType.csv",
            "'MADEUP' is not in itemClassificationScheme.csv",
            "'XXY' is not in currency.csv",
        ]
    )
    # the schema alone accepts open codelist values
    assert not any("boss" in e for e in validation.schema_errors(_package(release)))


def test_the_schema_folder_can_be_moved(monkeypatch, tmp_path):
    monkeypatch.setenv("CIVIC_OCDS_SCHEMA_DIR", str(tmp_path))
    assert validation.schema_dir() == tmp_path
    monkeypatch.delenv("CIVIC_OCDS_SCHEMA_DIR")
    assert (validation.schema_dir() / "release-package-schema.json").exists()


def test_an_empty_package_is_never_built():
    with pytest.raises(ValueError):
        packages.release_package("https://open.example/x", [])


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2026-02-02T17:00:00Z", True),
        ("2026-02-02T17:00:00+01:00", True),
        ("2026-02-02T17:00:00", False),
        ("2026-02-02", False),
        ("not a date", False),
    ],
)
def test_release_dates_must_be_date_times_with_an_offset(value, valid):
    release = {**RELEASE, "date": value}
    assert (validation.schema_errors(_package(release)) == []) is valid


def test_package_uris_must_be_absolute():
    package = _package()
    package["uri"] = "releases page 2"
    assert any("uri" in e for e in validation.schema_errors(package))
