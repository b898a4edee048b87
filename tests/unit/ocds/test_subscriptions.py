from events.registry import event_types
from projections.ocds.projection import OcdsProjection


def test_the_projection_reads_only_events_that_exist():
    unknown = OcdsProjection.types - set(event_types())
    assert not unknown, f"tags with no event class: {sorted(unknown)}"


def test_the_projection_never_reads_sealed_bids_or_evaluation():
    read = OcdsProjection.types
    assert not {t for t in read if t.startswith("bids.")}
    for private in (
        "awards.ScoreRecorded.v1",
        "awards.EvaluatorAppointed.v1",
        "awards.ConflictDeclared.v1",
        "awards.ProtestFiled.v1",
        "solicitations.QuestionAsked.v1",
        "invoices.InvoiceSubmitted.v1",
    ):
        assert private not in read
