"""
The district map on the statistics page in a real browser, at desktop and phone width:
it fits the screen, its names stay readable, and a tile leads to its district's list.
The screenshots are map-desktop.png and map-phone.png (see the `shots` fixture).
"""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_the_map_fits_and_a_tile_leads_to_its_district(page: Page, site, shots, width):
    page.set_viewport_size(VIEWPORTS[width])
    page.goto(f"{site}/stats/")
    figure = page.locator("figure.district-map")
    expect(figure.locator("a.map-tile")).to_have_count(16)  # 金山 has none in 表 3-3: drawn, not a link
    expect(figure.locator("g.map-tile")).to_have_count(1)

    svg = figure.locator("svg").bounding_box()
    assert svg["x"] >= 0 and svg["x"] + svg["width"] <= VIEWPORTS[width]["width"]
    # Readable on a phone: the smallest text, a district's name, is still 12 pixels or more.
    name = figure.locator(".map-name").first.bounding_box()
    assert name["height"] >= 12, name
    no_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_scroll, "the page scrolls sideways"

    figure.scroll_into_view_if_needed()
    shots(page, f"map-{width}")

    page.get_by_role("link", name="浦东新区：18 家企业").click()
    expect(page.locator(".result-count")).to_contain_text("18 家企业")
    assert "list=2022" in page.url and "district=pudong" in page.url
