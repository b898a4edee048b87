"""How big a demo marketplace is: named sizes, or explicit counts."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Scale:
    agencies: int
    vendors: int
    solicitations: int


PRESETS = {
    "tiny": Scale(agencies=2, vendors=24, solicitations=12),
    "small": Scale(agencies=4, vendors=200, solicitations=40),
    "medium": Scale(agencies=6, vendors=400, solicitations=120),
}
DEFAULT = "small"


def parse_scale(text: str) -> Scale:
    """``small``, ``medium``, ``tiny``, or counts such as ``agencies=3,vendors=80,solicitations=20``
    (counts not given keep the small preset's)."""
    text = text.strip()
    if text in PRESETS:
        return PRESETS[text]
    counts: dict[str, int] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in ("agencies", "vendors", "solicitations") or not value.strip().isdigit():
            raise ValueError(f"scale: expected one of {', '.join(PRESETS)} or name=count pairs, got {text!r}")
        counts[name] = int(value)
    scale = replace(PRESETS[DEFAULT], **counts)
    if not (1 <= scale.agencies <= 6 and scale.vendors >= 8 and scale.solicitations >= 1):
        raise ValueError("scale: 1 to 6 agencies, at least 8 vendors, at least 1 solicitation")
    return scale

#: the size ``civic serve --demo`` loads: populated within a minute of starting
SERVE_DEFAULT = "small"
