"""Money helpers over ``events.base.Money`` (integer minor units and a currency)."""

from __future__ import annotations

from events.base import Money
from kernel.errors import Invalid, field_error

# ISO 4217 minor-unit exponents that differ from 2.
_EXPONENTS = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "VND": 0, "BHD": 3, "KWD": 3, "OMR": 3, "TND": 3, "JOD": 3}


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


def check_money(money: Money, field: str = "amount", *, allow_zero: bool = False) -> Money:
    if len(money.currency) != 3 or not money.currency.isalpha() or not money.currency.isupper():
        raise field_error(f"{field}.currency", "must be an ISO 4217 code such as USD")
    if money.amount < 0 or (money.amount == 0 and not allow_zero):
        raise field_error(f"{field}.amount", "must be a positive number of minor units")
    return money


def add(a: Money, b: Money) -> Money:
    if a.currency != b.currency:
        raise Invalid(f"cannot add {a.currency} to {b.currency}", code="currency_mismatch")
    return Money(amount=a.amount + b.amount, currency=a.currency)


def fmt(money: Money) -> str:
    exp = exponent(money.currency)
    if exp == 0:
        return f"{money.amount} {money.currency}"
    units, minor = divmod(money.amount, 10**exp)
    return f"{units:,}.{minor:0{exp}d} {money.currency}"
