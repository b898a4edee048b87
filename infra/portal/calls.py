"""The portal's one way to act and to read: the marketplace's own API, called in-process
with the signed-in caller's token. A page therefore enforces exactly the API's rules,
answers with its error text, and never sees more than the API shows that caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from litestar import Request

from infra.portal.session import token_of

API = "/api/v1"


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error(self) -> dict[str, Any]:
        """The API's error body (``{"code", "message", "details"}``), empty on success."""
        if self.ok or not isinstance(self.body, dict):
            return {}
        return dict(self.body.get("error") or {})


@dataclass
class FormErrors:
    """The API's refusal laid out for a form: messages by field, and the rest."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    @classmethod
    def of(cls, answer: Answer, known: set[str]) -> FormErrors:
        errors = cls()
        error = answer.error
        details = error.get("details")
        named = False
        for item in details if isinstance(details, list) else []:
            if not isinstance(item, dict):
                continue
            name = _form_name(str(item.get("field") or ""), known)
            if name:
                message = str(item.get("message") or error.get("message") or "")
                errors.fields.setdefault(name, message)
                named = True
        if not named:
            errors.general.append(str(error.get("message") or f"error {answer.status}"))
        return errors


def _form_name(api_field: str, known: set[str]) -> str | None:
    """The form's field for an API field path ("contacts[0].email" -> "contacts.0.email";
    "price.amount" -> "price" when the form has one price field)."""
    path = api_field.replace("[", ".").replace("]", "").strip(".")
    while path:
        if path in known:
            return path
        path = path.rpartition(".")[0]
    return None


class Api:
    """The API as the caller of ``request`` sees it."""

    def __init__(self, request: Request[Any, Any, Any]) -> None:
        self._app = request.app
        self._token = token_of(request)
        client = request.client
        self._client = (client.host, client.port) if client else ("127.0.0.1", 0)

    @property
    def signed_in(self) -> bool:
        return self._token is not None

    async def call(self, method: str, path: str, **kwargs: Any) -> Answer:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        transport = httpx.ASGITransport(app=self._app, client=self._client)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.internal") as client:
            response = await client.request(method, API + path, headers=headers, **kwargs)
        try:
            body = response.json()
        except ValueError:
            body = response.text
        return Answer(response.status_code, body)

    async def get(self, path: str, **params: Any) -> Answer:
        return await self.call("GET", path, params={k: v for k, v in params.items() if v not in (None, "", [])})

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> Answer:
        if body is not None:
            kwargs["json"] = body
        return await self.call("POST", path, **kwargs)
