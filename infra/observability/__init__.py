"""Metrics, traces and structured logs of every process."""
