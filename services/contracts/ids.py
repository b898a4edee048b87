"""A contract's id derives from its award: one award, one contract, whatever redelivers."""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("1d3c5b0e-6a53-4c8e-9a0f-5e2c9b7d4a61")


def contract_id_for(award_id: str) -> str:
    return f"ct_{uuid.uuid5(_NAMESPACE, award_id).hex[:16]}"
