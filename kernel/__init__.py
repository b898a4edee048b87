"""Domain mechanisms shared by every service (errors, decider plumbing, time, money)."""
