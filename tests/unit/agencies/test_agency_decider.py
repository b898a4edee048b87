from datetime import UTC, datetime

import pytest

from events.agencies import AgencyGoalsSet, AgencyRegistered, DiversityGoal
from kernel.context import Actor, Context
from kernel.errors import Conflict, Forbidden, Invalid
from services.agencies.commands import RegisterAgency, SetGoals
from services.agencies.decider import AGENCY

ADMIN = Context(now=datetime(2026, 1, 5, tzinfo=UTC), actor=Actor(sub="root", role="admin"))


def register(**overrides):
    fields = {"agency_id": "a1", "name": "City of Example", "jurisdiction": "US-CA-Example"} | overrides
    return RegisterAgency(**fields)


def test_register_then_set_goals():
    state, events = AGENCY.run([(register(), ADMIN),
                                (SetGoals(goals=[DiversityGoal(program="MBE", percent=12.5)]), ADMIN)])
    assert [type(e) for e in events] == [AgencyRegistered, AgencyGoalsSet]
    assert state.goals == (DiversityGoal(program="MBE", percent=12.5),)


def test_registering_twice_is_a_conflict():
    state, _ = AGENCY.run([(register(), ADMIN)])
    with pytest.raises(Conflict):
        AGENCY.decide(register(), state, ADMIN)


@pytest.mark.parametrize("goals, field", [
    ([DiversityGoal(program="XYZ", percent=5)], "goals[0].program"),
    ([DiversityGoal(program="WBE", percent=101)], "goals[0].percent"),
    ([DiversityGoal(program="WBE", percent=5), DiversityGoal(program="WBE", percent=6)], "goals[1].program"),
])
def test_bad_goals_name_the_field(goals, field):
    with pytest.raises(Invalid) as err:
        AGENCY.decide(register(goals=goals), AGENCY.initial(), ADMIN)
    assert err.value.details[0]["field"] == field


def test_only_admins_manage_agencies():
    buyer = Context(now=ADMIN.now, actor=Actor(sub="b", role="buyer", agency="a1"))
    with pytest.raises(Forbidden):
        AGENCY.decide(register(), AGENCY.initial(), buyer)


def test_jurisdiction_gives_the_state_of_local_businesses():
    state, _ = AGENCY.run([(register(jurisdiction="US-IL-Springfield", local_zip_prefixes=["627"]), ADMIN)])
    assert state.state == "IL" and state.local_zip_prefixes == ("627",)
    assert AGENCY.run([(register(jurisdiction="Springfield"), ADMIN)])[0].state is None
    assert AGENCY.run([(register(jurisdiction="US-WA"), ADMIN)])[0].state == "WA"


@pytest.mark.parametrize("prefixes", [["62a"], ["627011"], [""]])
def test_local_zip_prefixes_are_digits_of_a_zip(prefixes):
    with pytest.raises(Invalid) as err:
        AGENCY.decide(register(local_zip_prefixes=prefixes), AGENCY.initial(), ADMIN)
    assert err.value.details[0]["field"] == "local_zip_prefixes[0]"
