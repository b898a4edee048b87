"""The renewal pipeline: an agency's contracts by months to expiry, with their options and stage."""
