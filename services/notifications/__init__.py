"""Notifications: email (instant, digest, reminders) and signed webhooks, through one outbox."""
