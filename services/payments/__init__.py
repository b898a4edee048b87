"""Payments: vendors' invoices against contracts, finance's review and approval, the
prompt-payment clock, and payments through Stripe with their webhooks."""
