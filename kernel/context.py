"""Who is acting, and when: the only inputs of a decider besides state and command."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

ROLES = ("vendor", "buyer", "evaluator", "finance", "auditor", "admin")
SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    sub: str
    role: str
    agency: str | None = None
    vendor: str | None = None
    claims: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def is_system(self) -> bool:
        return self.role == SYSTEM


SYSTEM_ACTOR = Actor(sub="system", role=SYSTEM)


@dataclass(frozen=True, slots=True)
class Context:
    now: datetime
    actor: Actor
