"""/docs and /redoc offline: their assets come from an installed package, and no request leaves the machine.

A real uvicorn server on loopback and Debian's chromium (the fixtures of test_web.py); every request not to the
server is refused and counted. Screenshots go to var/screenshots/ (CI keeps them as artefacts).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from api.app import PAGE_POLICY
from api.docs import REDOC_POLICY
from tests.api.test_web import SCREENSHOTS, Visit
from tests.api.test_web import browser as browser  # the fixture, shared with the page's tests

pytestmark = pytest.mark.model
# ReDoc's footer draws Redocly's logo from their CDN; the policy refuses it before any request is made.
REDOC_LOGO = "cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture
def visit(browser: object, live_server: str) -> Iterator[Visit]:
    """A desktop-width page that may reach only the server."""
    opened = Visit(browser, live_server, 1280)
    yield opened
    opened.close()


def test_swagger_ui_renders_and_tries_chat_with_nothing_from_elsewhere(visit: Visit, live_server: str) -> None:
    visit.page.goto(f"{live_server}/docs")
    chat = visit.page.locator(".opblock-summary-path", has_text="/chat").first
    chat.wait_for(timeout=30_000)
    assert visit.page.locator(".opblock").count() >= 5  # /chat, /examples, /health, /sources, /search, slack
    chat.click()  # the operation opens with its example, read from /openapi.json, and can be tried from the page
    body = visit.page.locator(".opblock-body").first
    body.get_by_text('"How many seats did Labour win in Hull in 2018?"').wait_for(timeout=10_000)
    body.get_by_role("button", name="Try it out").click()
    body.get_by_role("button", name="Execute").click()
    reply = body.locator(".live-responses-table .response .microlight, .live-responses-table pre").first
    reply.wait_for(timeout=60_000)
    assert body.locator(".live-responses-table tbody .response-col_status").first.inner_text().strip() == "200"
    assert '"route": "sql"' in reply.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=str(SCREENSHOTS / "docs-swagger-1280.png"))
    assert visit.left == []
    assert visit.complaints == []  # the page's own strict policy refused nothing


def test_redoc_renders_the_operations_with_nothing_from_elsewhere(visit: Visit, live_server: str) -> None:
    visit.page.goto(f"{live_server}/redoc")
    visit.page.get_by_text("Answer a message about elections.").first.wait_for(timeout=30_000)
    shown = visit.page.inner_text("body")
    assert "POST\n/chat" in shown and "Download OpenAPI specification" in shown
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=str(SCREENSHOTS / "docs-redoc-1280.png"))
    assert visit.left == []
    assert [c for c in visit.complaints if REDOC_LOGO not in c] == []


def test_the_docs_pages_carry_a_policy_of_self_and_no_inline_script(live_server: str) -> None:
    swagger = httpx.get(f"{live_server}/docs")
    redoc = httpx.get(f"{live_server}/redoc")
    assert swagger.headers["content-security-policy"] == PAGE_POLICY
    assert redoc.headers["content-security-policy"] == REDOC_POLICY
    assert "script-src 'self';" in REDOC_POLICY and "http" not in REDOC_POLICY
    assert "<script>" not in swagger.text and "<script>" not in redoc.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png"):
        served = httpx.get(f"{live_server}/docs-assets/{asset}")
        assert served.status_code == 200 and len(served.content) > 1000, asset
    assert "SwaggerUIBundle" in httpx.get(f"{live_server}/docs/init.js").text
