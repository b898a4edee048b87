"""OCDS merge rules: compile a contracting process's releases into its current state.

- objects are merged field by field;
- an array whose items are all objects with an ``id`` is merged item by item by ``id``
  (new ids are appended in order of first appearance);
- any other array, and any other value, replaces the earlier one;
- ``null`` removes the field;
- a release's own ``id``, ``date`` and ``tag`` are not merged (``omitWhenMerged``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

OMIT_WHEN_MERGED = ("id", "date", "tag")


def _identified(items: Any) -> bool:
    return (
        isinstance(items, list)
        and bool(items)
        and all(isinstance(item, dict) and item.get("id") is not None for item in items)
    )


def merge(earlier: Any, later: Any) -> Any:
    """``later`` applied over ``earlier``; neither argument is modified."""
    if isinstance(earlier, dict) and isinstance(later, dict):
        merged = dict(earlier)
        for key, new in later.items():
            if new is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = merge(merged[key], new)
            else:
                merged[key] = _strip_nulls(new)
        return merged
    if _identified(earlier) and _identified(later):
        by_id = {str(item["id"]): item for item in earlier}
        order = [str(item["id"]) for item in earlier]
        for item in later:
            key = str(item["id"])
            if key in by_id:
                by_id[key] = merge(by_id[key], item)
            else:
                by_id[key] = _strip_nulls(item)
                order.append(key)
        return [by_id[key] for key in order]
    return _strip_nulls(later)


def _strip_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value]
    return copy.deepcopy(value)


def compile_releases(releases: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of one process, from its releases oldest first."""
    compiled: dict[str, Any] = {}
    last: dict[str, Any] | None = None
    for release in releases:
        body = {k: v for k, v in release.items() if k not in OMIT_WHEN_MERGED}
        compiled = merge(compiled, body)
        last = release
    if last is None:
        raise ValueError("a compiled release needs at least one release")
    return {
        "ocid": last["ocid"],
        "id": f"{last['ocid']}-compiled",
        "date": last["date"],
        "tag": ["compiled"],
        **{k: v for k, v in compiled.items() if k != "ocid"},
    }
