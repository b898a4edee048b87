"""How a vendor is matched against the exclusion list: by tax id, or by legal name.

Both sides are normalised the same way, so "Acme, Inc." and "ACME INC" match and
"12-3456789" matches "123456789".
"""

from __future__ import annotations

import re

# Legal-form words that do not identify a business: "Acme Inc" is "Acme LLC" for matching.
_LEGAL_FORMS = frozenset({
    "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co",
    "company", "lp", "llp", "pllc", "pc", "plc",
})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def tax_key(tax_id: str | None) -> str | None:
    """The digits of a tax id, or ``None`` when it has none."""
    digits = "".join(ch for ch in tax_id or "" if ch.isdigit())
    return digits or None


def name_key(name: str) -> str:
    """A legal name reduced to lower-case words without punctuation or legal form."""
    # "L.L.C." is "LLC": dots join letters, other punctuation separates words
    words = _NOT_ALNUM.sub(" ", name.casefold().replace(".", "")).split()
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    return " ".join(words)
