"""Vendor standing: who may bid and be awarded, with certifications and exclusions.

Read by other services through ``projections.vendor_standing.queries``.
"""
