"""Contract settings, read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ContractSettings:
    #: an amendment moving the value by more than this share of the original value needs
    #: an admin's approval (recorded on each contract when it opens)
    approval_share: float = 0.25
    #: days before the end date at which an expiry notice is recorded
    expiry_notice_days: tuple[int, ...] = (90, 60, 30)
    #: days before an option's exercise deadline at which the buyer is reminded
    option_reminder_days: int = 30

    @classmethod
    def from_env(cls) -> ContractSettings:
        return cls(approval_share=float(os.environ.get("CIVIC_CONTRACT_APPROVAL_SHARE", "0.25")))


SETTINGS = ContractSettings.from_env()
