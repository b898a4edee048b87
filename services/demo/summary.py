"""What a demo run produced, counted per kind, and how long it took."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Summary:
    seed: int
    #: the story's first and last days
    period: tuple[date, date]
    counts: dict[str, int]
    elapsed_s: float
    #: where the demo's mail went (filled in when the demo ran in this process)
    note: str = ""

    @classmethod
    def of(cls, seed: int, period: tuple[date, date], tally: Counter[str], elapsed_s: float) -> Summary:
        return cls(seed=seed, period=period, counts=dict(sorted(tally.items())), elapsed_s=elapsed_s)

    def render(self) -> str:
        """A few lines for a terminal: one line per kind of thing."""
        groups: dict[str, list[str]] = {}
        for key, count in self.counts.items():
            kind, _, detail = key.partition(".")
            if kind == "paid_cents":
                continue
            groups.setdefault(kind, []).append(f"{detail} {count}" if detail else str(count))
        first, last = self.period
        lines = [f"demo marketplace (seed {self.seed}, {first} to {last}) ready in {self.elapsed_s:.1f} s"]
        lines += [f"  {kind:15} {', '.join(parts)}" for kind, parts in groups.items()]
        lines.append(f"  {'paid':15} ${self.counts.get('paid_cents', 0) / 100:,.2f} through Stripe")
        if self.note:
            lines.append(f"  {'mail':15} {self.note}")
        return "\n".join(lines)
