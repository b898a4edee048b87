"""The notifications context's aggregates."""
