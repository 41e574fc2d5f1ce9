"""/docs (Swagger UI) and /redoc served from an installed package, so that they render with no network."""

from __future__ import annotations

import html
import json
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

# fastapi-offline ships Swagger UI 5's bundle and CSS and ReDoc 2's standalone bundle; only its files are used.
ASSETS = resources.files("fastapi_offline") / "static"
ASSETS_URL = "/docs-assets"
# Swagger UI runs under the page's own policy (its start is a script file, below). ReDoc needs two things more:
# it writes its styles into <style> elements (styled-components) and builds its search index in a blob: worker.
REDOC_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                "connect-src 'self'; worker-src blob:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# Swagger UI's start: the page names the OpenAPI document and FastAPI's parameters in data-config.
SWAGGER_INIT = """\
const node = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({
  ...JSON.parse(node.dataset.config),
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
"""
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{assets}/favicon.png">
{head}
</head>
<body>
{body}
</body>
</html>
"""


def add_docs(app: FastAPI) -> None:
    """Serve /docs and /redoc, and their assets under /docs-assets, for an app built with docs_url=None."""
    app.mount(ASSETS_URL, StaticFiles(directory=str(ASSETS)), name="docs-assets")

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        """Swagger UI over the app's OpenAPI document."""
        root = request.scope.get("root_path", "")
        config = {"url": f"{root}{app.openapi_url}", "dom_id": "#swagger-ui", "layout": "BaseLayout",
                  "deepLinking": True, "showExtensions": True, "showCommonExtensions": True,
                  **(app.swagger_ui_parameters or {})}
        assets = f"{root}{ASSETS_URL}"
        return HTMLResponse(PAGE.format(
            title=html.escape(f"{app.title} - Swagger UI"), assets=assets,
            head=f'<link rel="stylesheet" href="{assets}/swagger-ui.css">',
            body=(f'<div id="swagger-ui" data-config="{html.escape(json.dumps(config))}"></div>\n'
                  f'<script src="{assets}/swagger-ui-bundle.js"></script>\n'
                  f'<script src="{root}/docs/init.js"></script>')))

    @app.get("/docs/init.js", include_in_schema=False)
    def swagger_init() -> Response:
        """Swagger UI's start, as a script file rather than inline."""
        return Response(SWAGGER_INIT, media_type="text/javascript")

    @app.get("/redoc", response_class=HTMLResponse, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        """ReDoc over the app's OpenAPI document."""
        root = request.scope.get("root_path", "")
        assets = f"{root}{ASSETS_URL}"
        return HTMLResponse(PAGE.format(
            title=html.escape(f"{app.title} - ReDoc"), assets=assets, head="<style>body { margin: 0; }</style>",
            body=(f'<redoc spec-url="{html.escape(f"{root}{app.openapi_url}")}"></redoc>\n'
                  f'<script src="{assets}/redoc.standalone.js"></script>')))
