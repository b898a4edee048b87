"""The OpenAPI reference page (``/schema``) with Swagger UI served by the app itself.

The script and styles come from the ``swagger-ui-bundle-v2`` package and are served under
``/static/swagger-ui/``; the page starts Swagger UI from a script file of ours, not an
inline one, so the reference works on a network without internet access and under the
same Content-Security-Policy as the portal.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from litestar import Request, Router
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

SWAGGER_ASSETS = "/static/swagger-ui"
PORTAL_ASSETS = "/static/portal"
STATIC_DIR = Path(__file__).parent / "static"


class OfflineSwaggerPlugin(OpenAPIRenderPlugin):
    """Swagger UI at ``/schema`` (and ``/schema/swagger``), every asset local."""

    def __init__(self) -> None:
        super().__init__(path="/swagger")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = html.escape(str(openapi_schema["info"]["title"]))
        spec_url = html.escape(self.get_openapi_json_route(request))
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" type="image/png" href="{SWAGGER_ASSETS}/favicon-32x32.png">
<link rel="stylesheet" href="{SWAGGER_ASSETS}/swagger-ui.css">
<link rel="stylesheet" href="{PORTAL_ASSETS}/schema.css">
</head>
<body>
<main id="swagger-ui" data-spec-url="{spec_url}"><h1>{title}</h1></main>
<script src="{SWAGGER_ASSETS}/swagger-ui-bundle.js"></script>
<script src="{PORTAL_ASSETS}/schema.js"></script>
</body>
</html>
""".encode()


def asset_routers() -> list[Router]:
    """The static files the reference and the portal load: Swagger UI's and our own."""
    return [
        create_static_files_router(path=SWAGGER_ASSETS, directories=[Path(str(swagger_ui_path))],
                                   name="swagger-ui-assets"),
        create_static_files_router(path=PORTAL_ASSETS, directories=[STATIC_DIR], name="portal-assets"),
    ]
