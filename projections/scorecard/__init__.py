"""Vendor scorecards: past performance across every agency and contract."""
