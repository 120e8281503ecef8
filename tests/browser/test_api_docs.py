"""The API's docs page in a real browser: it works, and every file it loads is the site's own."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_docs_page_shows_the_api_and_fetches_nothing_from_elsewhere(page: Page, site):
    requested, refused = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{site}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Shanghai Digital Trade Registry API")
    expect(page.locator(".opblock-summary-path", has_text="/api/enterprises/").first).to_be_visible()
    page.wait_for_load_state("networkidle")

    own = urlsplit(site).netloc
    assert any(url.endswith("/api/schema/") or "/api/schema/?" in url for url in requested)
    assert [url for url in requested if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != own] == []
    assert refused == [], "the docs page works under the site's Content-Security-Policy"
