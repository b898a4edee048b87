"""Strings that break naive code: SQL and template metacharacters, scripts, and unicode
that changes under normalisation, direction overrides and characters outside the BMP.

Each must be stored and read back byte for byte.
"""

from __future__ import annotations

HOSTILE_TEXT: dict[str, str] = {
    "sql quote": "O'Brien & Sons'; DROP TABLE events; --",
    "sql comment and union": "x\" OR 1=1 /* */ UNION SELECT signing_key FROM settings --",
    "psql meta": "\\copy events to '/tmp/x'; \\! rm -rf /",
    "like wildcards": "100% _agency_ [a-z]*",
    "format strings": "%s %d %(name)s {0} {name!r} ${jndi:ldap://127.0.0.1/x}",
    "markup": "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "json in text": '{"role": "admin", "agency": null}',
    "backslashes and escapes": "C:\\new\\table\\u0000 \\x00 \\n",
    "control whitespace": "line one\r\nline two\ttabbed\u000bvertical\u000cfeed",
    "composed e-acute": "Caf\u00e9 Municipal",
    "decomposed e-acute": "Cafe\u0301 Municipal",
    "right-to-left override": "invoice \u202egpj.exe",
    "zero width": "ad\u200bmin\u200d\ufeff",
    "astral plane": "\U0001f3db\ufe0f City Hall \U0001f4b0 \U00010348",
    "cjk and arabic": "\u5e02\u653f\u5e9c \u0628\u0644\u062f\u064a\u0629",
    "combining stack": "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319",
    "leading and trailing spaces": "  padded  ",
    "literal null word": "null",
}

#: PostgreSQL text cannot hold U+0000: refused with a clear 422, never a 500.
UNSTORABLE_TEXT = "before\u0000after"
