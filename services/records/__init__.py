"""Records: the hash chain over every event, checkpoints, as-of proof and records bundles."""
