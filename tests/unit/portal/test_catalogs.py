"""Every message the portal's templates and code say has its Spanish translation, and the
translations keep the placeholders of the English text."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from infra.portal import i18n

PORTAL = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _messages() -> set[str | tuple[str, ...]]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PORTAL), method_map=[("templates/**.html", "jinja2"), ("**.py", "python")],
            options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                                               "lstrip_blocks": "true"}},
            keywords={"_": None, "gettext": None, "ngettext": (1, 2)}):
        found.add(message)
    return found


def test_every_message_has_a_spanish_translation_with_the_same_placeholders():
    with (PORTAL / "locale/es/LC_MESSAGES/portal.po").open("rb") as source:
        catalog = read_po(source, locale="es")
    messages = _messages()
    assert len(messages) > 100
    missing, broken = [], []
    for message in messages:
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        if entry is None or not all(entry.string if isinstance(entry.string, tuple) else [entry.string]):
            missing.append(key)
            continue
        english = set(PLACEHOLDER.findall(" ".join(message) if isinstance(message, tuple) else message))
        spanish = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if any(set(PLACEHOLDER.findall(s)) != english for s in spanish):
            broken.append(key)
    assert not missing, f"messages without a Spanish translation: {sorted(missing)}"
    assert not broken, f"translations that lose or add a placeholder: {broken}"


def test_dates_and_money_are_written_per_locale():
    from datetime import UTC, datetime

    instant = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    chicago = i18n.zone("America/Chicago")
    assert i18n.when(instant, "en", chicago).startswith("Dec 2, 2026, 9:00:00")
    assert i18n.when(instant, "es", chicago).startswith("2 dic 2026, 9:00:00")
    amount = {"amount": 4_825_000, "currency": "USD"}
    assert i18n.money(amount, "en") == "$48,250.00"
    assert i18n.money(amount, "es").startswith("48.250,00")
    assert i18n.zone("Not/AZone").key == "UTC"


def test_the_language_is_the_switchs_then_the_browsers():
    assert i18n.negotiate("es", "en-US,en;q=0.9") == "es"
    assert i18n.negotiate(None, "es-MX,es;q=0.9,en;q=0.5") == "es"
    assert i18n.negotiate("fr", "de-DE") == "en"
