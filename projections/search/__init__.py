"""Marketplace search: solicitations (full text, filters, facets) and the vendor directory."""
