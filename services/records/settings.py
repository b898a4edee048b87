"""Records settings, read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from infra.settings import secret


@dataclass(frozen=True)
class RecordsSettings:
    #: how often the scheduler seals newly committed events into a checkpoint
    checkpoint_interval_s: float = 60.0
    #: the Ed25519 records key (PEM, PKCS#8); generated into the data folder when unset
    records_key: str | None = field(default=None, repr=False)  # a secret: never in a log line

    @classmethod
    def from_env(cls) -> RecordsSettings:
        return cls(
            checkpoint_interval_s=float(os.environ.get("CIVIC_CHECKPOINT_INTERVAL_S", "60")),
            records_key=secret("CIVIC_RECORDS_KEY"),  # or CIVIC_RECORDS_KEY_FILE
        )


SETTINGS = RecordsSettings.from_env()
