"""Upcasters: turn a stored payload of an old event version into the current one.

Each entry maps an old tag to a function of the stored JSON object that returns the
JSON object of a newer event (with its new ``type``). Chains are followed until no
upcaster applies, so v1 -> v2 -> v3 works by registering each step once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

UPCASTERS: dict[str, Upcaster] = {}


def upcaster(old_tag: str) -> Callable[[Upcaster], Upcaster]:
    def register(fn: Upcaster) -> Upcaster:
        UPCASTERS[old_tag] = fn
        return fn

    return register


def upcast(payload: dict[str, Any]) -> dict[str, Any]:
    seen = set()
    while (tag := payload.get("type")) in UPCASTERS and tag not in seen:
        seen.add(tag)
        payload = UPCASTERS[tag](payload)
    return payload
