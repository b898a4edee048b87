"""Bids: sealed offers on a solicitation, one active bid per vendor, unsealed at the opening."""
