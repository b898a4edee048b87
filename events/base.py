"""The base every event derives from, and the metadata recorded beside it.

Evolving an event (see README, "Evolving events"):
- add a field only with a default; never change a field's type; never rename a tag;
- a breaking change is a new struct with the next version in its tag
  (``vendors.VendorRegistered.v2``) plus an upcaster in ``events/upcasting.py``
  that turns the stored old payload into the new one.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import msgspec


class PersonalData(msgspec.Struct, frozen=True, kw_only=True):
    """Fields of an event that hold one person's data, stored encrypted under that person's
    key (crypto-shredding, ``infra/personal.py``); the field types do not change.

    ``each``: the list field whose items each belong to a person ("" for the event itself);
    ``subject``: the field (of the item) naming the person, with ``kind`` the kind of name
    (``contact`` by email, ``user`` by token subject, ``vendor``/``exclusion`` by id);
    ``holder``: the event's field naming the vendor whose records retention applies.
    """

    fields: tuple[str, ...]
    subject: str
    kind: str
    each: str = ""
    holder: str = ""


class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of all events. Subclasses set ``tag="<context>.<Name>.v<N>"``."""

    #: which fields hold personal data (see ``PersonalData``); most events hold none
    PERSONAL: ClassVar[tuple[PersonalData, ...]] = ()


class Money(msgspec.Struct, frozen=True, kw_only=True):
    """An amount in integer minor units (cents) of an ISO 4217 currency."""

    amount: int
    currency: str


class Metadata(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Who caused an event, why, and when it happened."""

    occurred_at: datetime
    command_id: str | None = None
    causation_id: str | None = None
    correlation_id: str | None = None
    actor: str | None = None
    actor_role: str | None = None
    agency: str | None = None
    #: W3C trace context of the command that caused the event (absent when tracing is off)
    traceparent: str | None = None
    # the HTTP request that carried an idempotent command (infra/idempotency.py)
    request_fingerprint: str | None = None


def tag_of(cls: type[Event]) -> str:
    tag = cls.__struct_config__.tag
    if not isinstance(tag, str):
        raise TypeError(f"{cls.__name__} is not a tagged event")
    return tag


def schema_version_of(tag: str) -> int:
    """The N of a ``...vN`` tag."""
    _, _, last = tag.rpartition(".")
    return int(last[1:]) if last.startswith("v") and last[1:].isdigit() else 1


def context_of(tag: str) -> str:
    return tag.split(".", 1)[0]
