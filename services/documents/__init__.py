"""Documents: files attached at every step, sealed where bids are sealed."""
