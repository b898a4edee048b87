"""Vendors: registration, profile, certifications, users, renewal and the exclusion list."""
