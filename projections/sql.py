"""Numbered query parameters for SQL assembled from optional filters."""

from __future__ import annotations

from typing import Any


class Params:
    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any, cast: str = "") -> str:
        """The placeholder (``$n``) for ``value``, with an optional cast."""
        self.values.append(value)
        return f"${len(self.values)}" + (f"::{cast}" if cast else "")
