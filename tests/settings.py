"""The site's settings, with the test-only app that shows a new kind of record (tests/awards)."""

from shdt.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.awards"]  # noqa: F405
