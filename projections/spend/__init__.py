"""Spend analytics: the spend cube, payment equity and the forecast of spend and re-competitions."""
