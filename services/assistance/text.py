"""The texts that matching compares, and the words a lexical comparison sees."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Words that say nothing about what is bought.
_STOP = frozenset("""
a an and are as at be by for from has have in into is it its of on or our per provide provides
providing services service supply supplies the their this to we with within will all any city
county state department agency public vendor vendors contract contracts solicitation bid bids
request proposal proposals quote quotes rfp rfq itb rfi new including include includes
""".split())
_WORD = re.compile(r"[a-z][a-z0-9]+")


def words(text: str) -> set[str]:
    """Lower-cased words without stop words, with a plural ``s`` folded away."""
    found = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOP or len(word) < 3:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(word)
    return found


def overlap(a: set[str], b: set[str]) -> float:
    """Share of the smaller word set found in the other (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def vendor_text(legal_name: str, capability: str, code_descriptions: Iterable[str]) -> str:
    return "\n".join(part for part in (capability, *code_descriptions, legal_name) if part)


def solicitation_text(title: str, description: str, code_descriptions: Iterable[str]) -> str:
    return "\n".join(part for part in (title, description, *code_descriptions) if part)


def vendor_embedding_text(legal_name: str, capability: str, code_descriptions: Iterable[str]) -> str:
    """What a vendor's vector is made of: its own words when it wrote some. The generic
    descriptions of its codes are left out then: codes are scored as a part of their own,
    and in the text they would make every vendor of a broad family look alike."""
    return capability.strip() or vendor_text(legal_name, "", code_descriptions)
