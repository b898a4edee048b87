
from events.base import Money
from events.solicitations import TabulationEntry
from kernel.context import Actor
from services.solicitations.commands import AnswerQuestion, AskQuestion, OpenSolicitation
from services.solicitations.deciders.solicitation import SOLICITATION
from services.solicitations.schemas import may_see_draft, may_see_tabulation, view
from tests.unit.solicitations.factories import BUYER, NOW, at, create, published, system

ASKER = Actor(sub="asker", role="vendor")
OTHER_VENDOR = Actor(sub="someone", role="vendor")
EVALUATOR = Actor(sub="ev", role="evaluator", agency="ag1")
ENTRY = TabulationEntry(bid_id="b1", vendor_id="v1", price=Money(amount=42_00, currency="USD"), received_at=NOW)


def _opened(**overrides):
    state, _ = published(**overrides)
    return SOLICITATION.fold(SOLICITATION.decide(OpenSolicitation(tabulation=[ENTRY]), state,
                                                 system(state.t.opening_time)), state)


def test_drafts_only_for_the_agencys_buyers_and_oversight():
    state, _ = SOLICITATION.run([(create(), at(NOW))])
    assert may_see_draft(BUYER, state) and may_see_draft(Actor(sub="a", role="auditor"), state)
    assert not may_see_draft(None, state)
    assert not may_see_draft(Actor(sub="b", role="buyer", agency="other"), state)
    assert not may_see_draft(EVALUATOR, state)


def test_questions_never_name_the_asker():
    state, _ = published()
    state, _ = SOLICITATION.run([(AskQuestion(question_id="q1", question="Samples?"), at(NOW, ASKER)),
                                 (AskQuestion(question_id="q2", question="Site?"), at(NOW, OTHER_VENDOR)),
                                 (AnswerQuestion(question_id="q2", answer="Depot"), at(NOW))], state)
    public = view(state, 4, None)
    assert [q.id for q in public.questions] == ["q2"]
    assert [q.id for q in view(state, 4, ASKER).questions] == ["q1", "q2"]
    assert [q.id for q in view(state, 4, BUYER).questions] == ["q1", "q2"]
    assert all(not hasattr(q, "asked_by") for q in view(state, 4, BUYER).questions)


def test_tabulation_after_opening_for_buyers_cleared_evaluators_and_oversight():
    state = _opened()
    assert may_see_tabulation(BUYER, state) and may_see_tabulation(Actor(sub="x", role="admin"), state)
    assert not may_see_tabulation(EVALUATOR, state)
    assert may_see_tabulation(EVALUATOR, state, evaluator_cleared=True)
    assert not may_see_tabulation(None, state) and not may_see_tabulation(OTHER_VENDOR, state)
    assert view(state, 5, None).tabulation is None and view(state, 5, BUYER).tabulation == [ENTRY]


def test_itb_opening_is_public_but_not_before():
    state, _ = published(solicitation_type="ITB", criteria=[])
    assert not may_see_tabulation(BUYER, state)
    opened = _opened(solicitation_type="ITB", criteria=[])
    assert may_see_tabulation(None, opened) and view(opened, 5, OTHER_VENDOR).tabulation == [ENTRY]
