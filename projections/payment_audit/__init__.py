"""The payment audit trail: every money event with actor and time, hash-chained per
agency, with finance views, a CSV export and the prompt-payment compliance report."""
