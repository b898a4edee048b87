"""What the marketplace accepts as an email address (vendor contacts, notification profiles)."""

from __future__ import annotations

import re

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
