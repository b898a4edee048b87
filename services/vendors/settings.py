"""Vendor settings, read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

DEFAULT_REGISTRATION_DAYS = 365


@dataclass(frozen=True)
class VendorSettings:
    #: how long an approval or a renewal lasts
    registration_days: int = DEFAULT_REGISTRATION_DAYS

    @classmethod
    def from_env(cls) -> VendorSettings:
        days = int(os.environ.get("CIVIC_VENDOR_REGISTRATION_DAYS", str(DEFAULT_REGISTRATION_DAYS)))
        if not 1 <= days <= 3660:
            raise ValueError("CIVIC_VENDOR_REGISTRATION_DAYS must be 1 to 3660 days")
        return cls(registration_days=days)


@cache
def vendor_settings() -> VendorSettings:
    return VendorSettings.from_env()
