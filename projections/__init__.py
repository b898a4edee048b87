"""Read models rebuilt from events: one package each, discovered by the composition root."""
