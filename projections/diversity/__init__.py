"""Supplier-diversity reporting: utilization, participation and goals by program."""
