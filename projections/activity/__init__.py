"""The activity log: every event as who did what to which stream and when, for auditors."""
