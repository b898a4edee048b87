"""Where the browser tests find Chromium: Debian's package (``apt-get install chromium``),
or the executable named by ``CIVIC_CHROMIUM``. Playwright's own browser download is never used."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

DEBIAN_CHROMIUM = "/usr/bin/chromium"


def find_chromium() -> str | None:
    named = os.environ.get("CIVIC_CHROMIUM", "").strip()
    for candidate in (named, DEBIAN_CHROMIUM, shutil.which("chromium") or "",
                      shutil.which("chromium-browser") or ""):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def missing_message() -> str:
    return (f"BROWSER TESTS NOT RUN: no Chromium found at {DEBIAN_CHROMIUM} (or CIVIC_CHROMIUM). "
            "Install it with: apt-get install -y chromium")
