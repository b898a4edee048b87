"""``civic bench``: throughput and latency of the foundation, beside raw ceilings measured
in the same run on the same servers."""
