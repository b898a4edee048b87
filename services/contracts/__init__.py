"""Contracts: opened by a final award through the stream, signed by both parties,
amended, rated, and ended (completed or terminated)."""
