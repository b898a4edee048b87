"""Every event type of every context, and the one decoder for all of them."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

import msgspec

import events
from events.base import Event, tag_of
from events.upcasting import UPCASTERS, upcast

_SKIP = {"base", "registry", "upcasting"}


def _all_subclasses(cls: type[Event]) -> list[type[Event]]:
    found: list[type[Event]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


@cache
def event_types() -> dict[str, type[Event]]:
    """All concrete events by tag, after importing every module of ``events``."""
    for info in pkgutil.iter_modules(events.__path__):
        if info.name not in _SKIP:
            importlib.import_module(f"events.{info.name}")
    types: dict[str, type[Event]] = {}
    for cls in _all_subclasses(Event):
        tag = cls.__struct_config__.tag  # None for a base without a tag
        if isinstance(tag, str) and "." in tag:  # contract tags are "<context>.<Name>.v<N>"
            if tag in types and types[tag] is not cls:
                raise RuntimeError(f"event tag {tag} is defined twice")
            types[tag] = cls
    return types


@cache
def _decoder() -> msgspec.json.Decoder:
    union = tuple(event_types().values())
    return msgspec.json.Decoder(union[0] if len(union) == 1 else _union(union))


def _union(types: tuple[type, ...]) -> Any:
    import functools
    import operator

    return functools.reduce(operator.or_, types)


def decode_event(type_: str, data: bytes | str) -> Event:
    """Decode a stored payload; old versions pass through their upcasters first."""
    if type_ in UPCASTERS:
        payload = upcast(msgspec.json.decode(data))
        return msgspec.convert(payload, _type_for(payload["type"]))
    if type_ not in event_types():
        _refresh()
    return _decoder().decode(data)


def _type_for(tag: str) -> type[Event]:
    if tag not in event_types():
        _refresh()
    return event_types()[tag]


def _refresh() -> None:
    """Forget the cached types: an event class was defined after the first decode."""
    event_types.cache_clear()
    _decoder.cache_clear()


def encode_event(event: Event) -> bytes:
    return msgspec.json.encode(event)


def is_known(tag: str) -> bool:
    return tag in event_types() or tag in UPCASTERS


__all__ = ["decode_event", "encode_event", "event_types", "is_known", "tag_of"]
