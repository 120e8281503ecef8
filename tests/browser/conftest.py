"""Playwright drives Debian's chromium (never a browser that Playwright downloads)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from tests.reference_data import reference_data_create

# pytest-playwright's page fixture runs an event loop; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A reader in Shanghai: the browser asks for Chinese first.
    return {**browser_context_args, "locale": "zh-CN", "accept_downloads": True}


@pytest.fixture
def site(live_server, transactional_db):
    """
    The site with the report's records, as `make run` serves it. The live server needs a
    transactional database, which is emptied after each test, reference data included;
    the data migrations' own functions put regions, types and domains back first.
    """
    reference_data_create()
    call_command("loaddata", "report_2022", verbosity=0)
    return live_server.url


@pytest.fixture
def shots(tmp_path):
    """Save a full-page screenshot under a name; into docs/screenshots when asked for."""
    folder = Path(os.environ.get("SHDT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000, f"{path} is too small to show a page"
        return path

    return take
