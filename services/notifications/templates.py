"""Subjects and bodies of notices, in the recipient's language, from gettext catalogs.

The catalogs are data (``data/locale/<lang>.po``, read with Babel), keyed by
``<kind>.subject`` and ``<kind>.body``; placeholders are filled from the notice's
variables. A language without a text falls back to English.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
from babel.messages.pofile import read_po

from services.notifications.kinds import LANGUAGES

_LOCALE = Path(__file__).parent / "data" / "locale"


class Rendered(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    text: str
    html: str


class _Blank(dict):  # type: ignore[type-arg]
    """A missing variable renders as nothing rather than failing a whole mail."""

    def __missing__(self, key: str) -> str:
        return ""


@cache
def catalog(language: str) -> dict[str, str]:
    with (_LOCALE / f"{language}.po").open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if m.id and m.string}


def text(key: str, language: str, values: dict[str, Any] | None = None) -> str:
    found = catalog(language if language in LANGUAGES else "en").get(key) or catalog("en")[key]
    return found.format_map(_Blank(values or {}))


def _localised(values: dict[str, Any], language: str) -> dict[str, Any]:
    status = values.get("status")
    if isinstance(status, str) and f"status.{status}" in catalog("en"):
        return {**values, "status": text(f"status.{status}", language)}
    return values


def render(kind: str, values: dict[str, Any], language: str, *, link: str | None,
           unsubscribe: str | None) -> Rendered:
    """One notice as a subject, a plain-text part and an HTML part."""
    values = _localised(values, language)
    subject = text(f"{kind}.subject", language, values)
    body = text(f"{kind}.body", language, values)
    return _compose(subject, [body], language, link=link, unsubscribe=unsubscribe)


def render_digest(items: list[tuple[str, dict[str, Any], str | None]], language: str, *,
                  unsubscribe: str | None) -> Rendered:
    """Several notices (kind, values, link) in one mail."""
    parts = [text("digest.intro", language)]
    for kind, values, link in items:
        values = _localised(values, language)
        entry = f"- {text(f'{kind}.subject', language, values)}\n  {text(f'{kind}.body', language, values)}"
        if link:
            entry += "\n  " + text("link", language, {"link": link})
        parts.append(entry)
    subject = text("digest.subject", language, {"count": len(items)})
    return _compose(subject, parts, language, link=None, unsubscribe=unsubscribe)


def _compose(subject: str, paragraphs: list[str], language: str, *, link: str | None,
             unsubscribe: str | None) -> Rendered:
    lines = list(paragraphs)
    if link:
        lines.append(text("link", language, {"link": link}))
    footer = [text("footer", language)]
    if unsubscribe:
        footer.append(text("unsubscribe", language, {"unsubscribe": unsubscribe}))
    plain = "\n\n".join(lines) + "\n\n-- \n" + "\n".join(footer) + "\n"
    body_html = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    if link:
        body_html += f'<p><a href="{html.escape(link, quote=True)}">{html.escape(link)}</a></p>'
    foot_html = html.escape(footer[0])
    if unsubscribe:
        foot_html += f' <a href="{html.escape(unsubscribe, quote=True)}">{html.escape(unsubscribe)}</a>'
    page = (f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{html.escape(subject)}</title></head><body>{body_html}"
            f'<hr><p style="color:#666;font-size:small">{foot_html}</p></body></html>')
    return Rendered(subject=subject, text=plain, html=page)
