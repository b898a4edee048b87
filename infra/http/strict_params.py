"""Query values read as dates and times are RFC 3339 text, as the OpenAPI says.

Litestar converts query values leniently, and a number given for a date-time parameter
would be read as seconds since 1970 (``?to=0.5`` is 1970-01-01T00:00:00.5Z): the schema
does not allow it, and no client means it. This hook runs before a handler's parameters
are parsed and refuses such a value with the usual 422 naming the parameter.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from litestar import Request
from litestar.handlers import HTTPRouteHandler

from kernel.errors import field_error

_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


@cache
def datetime_query_names(handler: HTTPRouteHandler) -> tuple[str, ...]:
    """The query names of a handler's date-time parameters (their aliases, if any)."""
    names = []
    for name, field in handler.parsed_fn_signature.parameters.items():
        if datetime in (field.annotation, *(inner.annotation for inner in field.inner_types)):
            names.append(getattr(field.kwarg_definition, "query", None) or name)
    return tuple(names)


async def refuse_numeric_datetimes(request: Request) -> None:
    handler = request.route_handler
    if not isinstance(handler, HTTPRouteHandler):
        return
    for name in datetime_query_names(handler):
        for value in request.query_params.getall(name, []):
            if _NUMBER.fullmatch(value):
                raise field_error(name, "a date and time in RFC 3339, such as 2027-01-31T17:00:00Z")
