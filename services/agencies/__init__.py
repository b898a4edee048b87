"""Agencies: the buying organisations, their jurisdiction and supplier-diversity goals.

This is the smallest service and the pattern the others follow.
"""
