"""Award settings, read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class AwardSettings:
    #: length of the protest window after a notice of intent to award, unless the buyer
    #: names another for that award
    protest_window_business_days: int = 5

    @classmethod
    def from_env(cls) -> AwardSettings:
        return cls(protest_window_business_days=int(
            os.environ.get("CIVIC_PROTEST_WINDOW_BUSINESS_DAYS", "5")))


SETTINGS = AwardSettings.from_env()
