"""The demo marketplace: agencies, vendors, solicitations, awards, contracts and payments
generated through the marketplace's own HTTP routes, deterministically from a seed."""
