"""Who reads and attaches which documents, and when."""

from datetime import UTC, datetime, timedelta

import pytest

from kernel.context import Actor, Context
from kernel.errors import Conflict, Forbidden, Invalid, NotFound
from services.documents.commands import AttachDocument, Parent, Previous, Standing, StoredFile
from services.documents.decider import DOCUMENT
from services.documents.rules import check_attach, may_download, may_read

NOW = datetime(2026, 6, 1, tzinfo=UTC)
BUYER = Actor(sub="b1", role="buyer", agency="ag1")
OTHER_BUYER = Actor(sub="b2", role="buyer", agency="ag2")
EVALUATOR = Actor(sub="e1", role="evaluator", agency="ag1")
VENDOR = Actor(sub="v1", role="vendor")
AUDITOR = Actor(sub="a1", role="auditor")
OWNER = Standing(vendor_user=True)
NONE = Standing()


def _bid(**changes) -> Parent:
    return Parent(**({"type": "bid", "id": "bid1", "agency_id": "ag1", "vendor_id": "ven1",
                      "solicitation_id": "sol1", "status": "active", "opened": False,
                      "accepts_until": NOW + timedelta(days=1)} | changes))


def test_a_sealed_bid_is_read_by_its_vendor_only_until_the_opening():
    sealed = _bid()
    assert may_read(VENDOR, OWNER, sealed)
    for actor in (None, BUYER, EVALUATOR, AUDITOR, Actor(sub="x", role="admin")):
        assert not may_read(actor, Standing(cleared_evaluator=True), sealed)
    opened = _bid(opened=True)
    assert may_read(BUYER, NONE, opened) and may_read(AUDITOR, NONE, opened)
    assert not may_read(OTHER_BUYER, NONE, opened)
    assert not may_read(EVALUATOR, NONE, opened)
    assert may_read(EVALUATOR, Standing(cleared_evaluator=True), opened)


def test_a_withdrawn_bids_documents_stay_with_its_vendor_for_ever():
    withdrawn = _bid(status="withdrawn", opened=True)
    assert may_read(VENDOR, OWNER, withdrawn)
    assert not may_read(BUYER, NONE, withdrawn)
    assert not may_read(AUDITOR, NONE, withdrawn)


def test_solicitation_documents_are_public_once_published():
    draft = Parent(type="solicitation", id="s", agency_id="ag1", status="draft")
    assert may_read(BUYER, NONE, draft) and not may_read(None, NONE, draft)
    assert not may_read(OTHER_BUYER, NONE, draft)
    assert may_read(None, NONE, Parent(type="solicitation", id="s", agency_id="ag1", public=True))


def test_bid_documents_are_attached_by_its_vendor_before_the_deadline():
    check_attach(VENDOR, OWNER, _bid(), NOW)
    with pytest.raises(NotFound):
        check_attach(Actor(sub="v2", role="vendor"), NONE, _bid(), NOW)
    with pytest.raises(Conflict):
        check_attach(VENDOR, OWNER, _bid(), NOW + timedelta(days=1))
    with pytest.raises(Conflict):
        check_attach(VENDOR, OWNER, _bid(status="withdrawn"), NOW)
    with pytest.raises(Forbidden):
        check_attach(BUYER, NONE, _bid(opened=True), NOW)


def test_an_infected_document_is_given_only_to_its_uploader():
    assert may_download(BUYER, "clean", "someone") and may_download(None, "unscanned", "someone")
    assert not may_download(AUDITOR, "infected", "b1") and may_download(BUYER, "infected", "b1")


def _attach(**changes):
    stored = StoredFile(filename="p.pdf", media_type="application/pdf", size=10, sha256="a" * 64,
                        blob="b" * 64, blob_size=40, sealed=True)
    fields = {"document_id": "doc1", "parent": _bid(), "standing": OWNER, "stored": stored,
              "kind": "technical_proposal", "title": "Proposal"} | changes
    return AttachDocument(**fields)


def test_the_decider_records_the_attachment_and_refuses_bad_ones():
    ctx = Context(now=NOW, actor=VENDOR)
    state, events = DOCUMENT.run([(_attach(), ctx)])
    assert state.exists and events[0].sealed and events[0].uploaded_by == "v1"
    with pytest.raises(Invalid):
        DOCUMENT.run([(_attach(kind="rfp"), ctx)])
    with pytest.raises(Invalid):
        DOCUMENT.run([(_attach(title="  "), ctx)])
    with pytest.raises(Conflict):
        DOCUMENT.run([(_attach(stored=StoredFile(filename="p", media_type="x", size=1, sha256="a" * 64,
                                                   blob="a" * 64, blob_size=1, sealed=False)), ctx)])
    with pytest.raises(Invalid):
        DOCUMENT.run([(_attach(supersedes=Previous(document_id="d0", parent_type="bid", parent_id="bid2")), ctx)])
    with pytest.raises(Conflict):
        DOCUMENT.run([(_attach(), ctx), (_attach(), ctx)])


def test_an_expiry_date_becomes_a_timer_and_an_early_wake_decides_nothing():
    from datetime import date

    from services.documents.commands import ExpireDocument
    from services.documents.decider import DOCUMENT_EXPIRY, expiry_instant

    vendor = Parent(type="vendor", id="ven1", vendor_id="ven1", status="approved")
    stored = StoredFile(filename="c.pdf", media_type="application/pdf", size=10, sha256="a" * 64,
                        blob="a" * 64, blob_size=10)
    attach = AttachDocument(document_id="doc1", parent=vendor, standing=OWNER, stored=stored,
                            kind="insurance_certificate", title="Insurance", expires_on=date(2026, 6, 30))
    state, events = DOCUMENT.run([(attach, Context(now=NOW, actor=VENDOR))])
    [due] = DOCUMENT.timers(events[0])
    assert due.kind == DOCUMENT_EXPIRY and due.due_at == expiry_instant(date(2026, 6, 30))
    assert due.due_at == datetime(2026, 7, 1, tzinfo=UTC)
    system = Actor(sub="system", role="system")
    assert DOCUMENT.decide(ExpireDocument(), state, Context(now=due.due_at - timedelta(seconds=1), actor=system)) == []
    state, expired = DOCUMENT.run([(ExpireDocument(), Context(now=due.due_at, actor=system))], state)
    assert expired[0].expired_on == date(2026, 6, 30) and state.expired_at == due.due_at
    assert DOCUMENT.decide(ExpireDocument(), state, Context(now=due.due_at, actor=system)) == []


def test_a_document_names_only_a_part_its_parent_has():
    solicitation = Parent(type="solicitation", id="sol1", agency_id="ag1", solicitation_id="sol1",
                          status="published", public=True, parts=("addendum:1", "question:q1"))
    stored = StoredFile(filename="a.pdf", media_type="application/pdf", size=10, sha256="a" * 64,
                        blob="a" * 64, blob_size=10)

    def attach(part):
        command = AttachDocument(document_id="doc9", parent=solicitation, standing=NONE, stored=stored,
                                 kind="addendum", title="Addendum 1", part=part)
        return DOCUMENT.decide(command, DOCUMENT.initial(), Context(now=NOW, actor=BUYER))

    [event] = attach("addendum:1")
    assert event.part == "addendum:1"
    assert attach(None)[0].part is None
    for part, field in (("addendum:2", "addendum"), ("question:q9", "question"), ("amendment:1", "amendment"),
                        ("certification:c1", "certification")):
        with pytest.raises(Invalid) as refused:
            attach(part)
        assert refused.value.details[0]["field"] == field, part
