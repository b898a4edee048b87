"""Preferences (pure decider) and the texts of notices in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from events.notifications import NotificationPreferencesSet, NotificationUnsubscribed
from kernel.context import Actor, Context
from kernel.errors import Invalid
from services.notifications.commands import SetPreferences, Subscribe, Unsubscribe
from services.notifications.deciders.preferences import PREFERENCES
from services.notifications.deciders.webhooks import WEBHOOK
from services.notifications.kinds import LANGUAGES, NOTICE_KINDS
from services.notifications.templates import catalog, render

NOW = datetime(2026, 5, 4, tzinfo=UTC)
ME = Context(now=NOW, actor=Actor(sub="u1", role="vendor"))


def test_setting_then_unsubscribing_switches_one_kind_off():
    state, events = PREFERENCES.run([
        (SetPreferences(email="a@b.example", language="es", modes={"opportunity": "digest"}), ME),
        (Unsubscribe(kind="answer"), ME),
        (Unsubscribe(kind="answer"), ME),
    ])
    assert [type(e) for e in events] == [NotificationPreferencesSet, NotificationUnsubscribed]
    assert state.mode("opportunity") == "digest" and state.mode("answer") == "off"
    assert state.mode("award") == "instant" and state.language == "es"


@pytest.mark.parametrize("command, field", [
    (SetPreferences(email="nope", language="en", modes={}), "email"),
    (SetPreferences(email=None, language="de", modes={}), "language"),
    (SetPreferences(email=None, language="en", modes={"x": "off"}), "modes.x"),
    (SetPreferences(email=None, language="en", modes={"award": "weekly"}), "modes.award"),
    (SetPreferences(email=None, language="en", modes={"bid_receipt": "off"}), "modes.bid_receipt"),
])
def test_bad_preferences_name_their_field(command, field):
    with pytest.raises(Invalid) as raised:
        PREFERENCES.run([(command, ME)])
    assert raised.value.details[0]["field"] == field


def test_the_digest_link_switches_off_every_kind_held_for_the_digest():
    state, events = PREFERENCES.run([
        (SetPreferences(email=None, language="en", modes={"opportunity": "digest", "answer": "digest",
                                                          "award": "instant"}), ME),
        (Unsubscribe(kind="digest"), ME),
        (Unsubscribe(kind="digest"), ME),
    ])
    assert sorted(e.kind for e in events if isinstance(e, NotificationUnsubscribed)) == ["answer", "opportunity"]
    assert state.mode("opportunity") == state.mode("answer") == "off" and state.mode("award") == "instant"
    assert state.unsubscribed("digest") and not state.unsubscribed("award")


def test_a_bid_receipt_cannot_be_unsubscribed():
    with pytest.raises(Invalid):
        PREFERENCES.run([(Unsubscribe(kind="bid_receipt"), ME)])


def test_webhooks_need_https_outside_development():
    admin = Context(now=NOW, actor=Actor(sub="a1", role="admin", agency="ag1"))
    command = Subscribe(subscription_id="wh1", url="http://erp.example/hook", kinds=["award.finalized"])
    with pytest.raises(Invalid) as raised:
        WEBHOOK.run([(command, admin)])
    assert raised.value.code == "https_required"
    state, [event] = WEBHOOK.run([(Subscribe(subscription_id="wh1", url="https://erp.example/hook",
                                             kinds=["award.finalized"]), admin)])
    assert event.agency == "ag1" and state.exists


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_has_a_subject_and_body_in_every_language(language):
    texts = catalog(language)
    for kind in NOTICE_KINDS:
        assert f"{kind}.subject" in texts and f"{kind}.body" in texts, (language, kind)


def test_a_notice_has_plain_and_html_parts_with_the_agency_and_a_link():
    rendered = render("award", {"agency": "City <Hall>", "title": "Salt", "winner": "Acme", "finalized_at": "x"},
                      "en", link="https://civic.example/solicitations/s1", unsubscribe=None)
    assert rendered.subject == "Award: Salt"
    assert "City <Hall>" in rendered.text and "https://civic.example/solicitations/s1" in rendered.text
    assert "City &lt;Hall&gt;" in rendered.html and 'href="https://civic.example/solicitations/s1"' in rendered.html
