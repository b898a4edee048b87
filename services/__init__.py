"""Bounded contexts: one package each, discovered by the composition root."""
