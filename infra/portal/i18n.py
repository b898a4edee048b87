"""The portal's languages: gettext catalogs read with Babel, the viewer's language and
time zone, and dates, numbers and money written the way each locale writes them."""

from __future__ import annotations

import io
from contextvars import ContextVar
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

from kernel.money import exponent

LOCALES = ("en", "es")
DEFAULT_LOCALE = "en"
DOMAIN = "portal"
LOCALE_DIR = Path(__file__).parent / "locale"
#: the language names shown in the switch, each in its own language
LANGUAGE_NAMES = {"en": "English", "es": "Español"}

_current: ContextVar[NullTranslations | None] = ContextVar("portal_translations", default=None)
_SOURCE = NullTranslations()


@cache
def translations(locale: str) -> NullTranslations:
    """The catalog of ``locale`` (English is the source language: no catalog)."""
    po = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale == DEFAULT_LOCALE or not po.exists():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def activate(locale: str) -> None:
    """Templates rendered from now on in this task speak ``locale``."""
    _current.set(translations(locale))


def gettext(message: str) -> str:
    return (_current.get() or _SOURCE).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return (_current.get() or _SOURCE).ungettext(singular, plural, n)


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The language chosen with the switch, else the browser's first we speak."""
    if cookie in LOCALES:
        return cookie
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag[:2] in LOCALES:
            return tag[:2]
    return DEFAULT_LOCALE


def zone(name: str | None) -> ZoneInfo:
    """The viewer's time zone (an IANA name the browser reported), UTC when unknown."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo("UTC")


def when(value: datetime | str | None, locale: str, tz: ZoneInfo) -> str:
    """A date and time on the viewer's clock, with the zone's name, as ``locale`` writes it."""
    if value is None:
        return ""
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(instant, "medium", tzinfo=tz, locale=Locale.parse(locale)) + " " + \
        format_datetime(instant, "zzzz", tzinfo=tz, locale=Locale.parse(locale))


def money(value: dict[str, Any] | None, locale: str) -> str:
    """Minor units and a currency as ``locale`` writes an amount of money."""
    if not value:
        return ""
    currency = str(value["currency"])
    major = Decimal(int(value["amount"])).scaleb(-exponent(currency))
    return format_currency(major, currency, locale=Locale.parse(locale))


def number(value: int, locale: str) -> str:
    return format_decimal(value, locale=Locale.parse(locale))
