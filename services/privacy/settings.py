"""Privacy settings, read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class PrivacySettings:
    #: personal data held in a vendor's records is kept this many years after the vendor's
    #: final payment (and while any of its contracts or invoices is still open)
    retention_years_after_final_payment: int = 6

    @classmethod
    def from_env(cls) -> PrivacySettings:
        return cls(retention_years_after_final_payment=int(
            os.environ.get("CIVIC_RETENTION_YEARS_AFTER_FINAL_PAYMENT", "6")))


SETTINGS = PrivacySettings.from_env()
