"""One user's notification profile: address, language and a mode per kind of notice.

Stream ``notification-prefs-<sub>``: the user is the token subject, so the profile needs
no registration of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from events.base import Event
from events.notifications import NotificationPreferencesSet, NotificationUnsubscribed
from kernel.context import Context
from kernel.decider import Decider
from kernel.email import EMAIL
from kernel.errors import Invalid, field_error
from services.notifications.commands import PreferencesCommand, SetPreferences, Unsubscribe
from services.notifications.kinds import (
    ALWAYS_SENT,
    DIGEST,
    DIGEST_LIST,
    LANGUAGES,
    MODES,
    NOTICE_KINDS,
    OFF,
)


class Preferences(msgspec.Struct, frozen=True, kw_only=True):
    exists: bool = False
    email: str | None = None
    language: str = "en"
    modes: dict[str, str] = {}

    def mode(self, kind: str) -> str:
        return self.modes.get(kind, "instant")

    def unsubscribed(self, kind: str) -> bool:
        """Whether the unsubscribe link for ``kind`` (or for the daily digest) has nothing left to stop."""
        if kind == DIGEST_LIST:
            return not any(self.mode(k) == DIGEST for k in NOTICE_KINDS)
        return self.mode(kind) == OFF


def _check(command: SetPreferences) -> None:
    if command.email is not None and not EMAIL.match(command.email):
        raise field_error("email", "must be an email address")
    if command.language not in LANGUAGES:
        raise field_error("language", f"must be one of {', '.join(LANGUAGES)}")
    for kind, mode in command.modes.items():
        if kind not in NOTICE_KINDS:
            raise field_error(f"modes.{kind}", "is not a kind of notice", code="unknown_kind")
        if mode not in MODES:
            raise field_error(f"modes.{kind}", f"must be one of {', '.join(MODES)}")
        if kind in ALWAYS_SENT and mode != "instant":
            raise field_error(f"modes.{kind}", "is a notice that is always sent at once",
                              code="always_sent")


def decide(command: PreferencesCommand, state: Preferences, ctx: Context) -> Sequence[Event]:
    actor = ctx.actor
    match command:
        case SetPreferences():
            _check(command)
            return [NotificationPreferencesSet(
                sub=actor.sub, role=actor.role, agency=actor.agency, vendor=actor.vendor,
                email=command.email, language=command.language, modes=dict(command.modes),
                set_at=ctx.now)]
        case Unsubscribe(kind=kind) if kind == DIGEST_LIST:
            # The daily digest's own link: every kind it carries is switched off.
            return [NotificationUnsubscribed(sub=actor.sub, kind=k, unsubscribed_at=ctx.now)
                    for k in NOTICE_KINDS if state.mode(k) == DIGEST]
        case Unsubscribe():
            if command.kind not in NOTICE_KINDS:
                raise field_error("kind", "is not a kind of notice", code="unknown_kind")
            if command.kind in ALWAYS_SENT:
                raise Invalid(f"{command.kind} notices are always sent", code="always_sent")
            if state.mode(command.kind) == OFF:
                return []
            return [NotificationUnsubscribed(sub=actor.sub, kind=command.kind, unsubscribed_at=ctx.now)]
    raise Invalid(f"unknown command {type(command).__name__}")


def evolve(state: Preferences, event: Event) -> Preferences:
    match event:
        case NotificationPreferencesSet():
            return Preferences(exists=True, email=event.email, language=event.language,
                               modes=dict(event.modes))
        case NotificationUnsubscribed():
            return msgspec.structs.replace(state, modes={**state.modes, event.kind: OFF})
    return state


PREFERENCES = Decider(stream_prefix="notification-prefs", initial=Preferences, decide=decide,
                      evolve=evolve)
