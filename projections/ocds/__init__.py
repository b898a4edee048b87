"""Open data: every contracting process published as OCDS 1.1.5 releases and records."""
