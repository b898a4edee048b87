"""Uploading documents over HTTP in tests."""

from __future__ import annotations

from typing import Any

from services.demo.pdf import tiny_pdf
from tests.e2e.solicitations.helpers import API


async def upload(client, headers: dict[str, str], parent: str, parent_id: str, data: bytes | None = None, *,
                 kind: str = "other", title: str = "A document", filename: str = "document.pdf",
                 content_type: str | None = "application/pdf", **fields: Any):
    """POST one file to ``/{parent}/{id}/documents``; returns the response."""
    body = tiny_pdf(title) if data is None else data
    form = {"title": title, "kind": kind, **{k: str(v) for k, v in fields.items()}}
    file = (filename, body, content_type) if content_type else (filename, body)
    return await client.post(f"{API}/{parent}/{parent_id}/documents", data=form, files={"file": file},
                             headers=headers)
