"""The site's settings, with the test-only app that shows a new kind of record (tests/awards)."""

from shdt.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.awards"]  # noqa: F405
# Tests sign staff in with a password alone; tests/shdt/test_second_factor.py turns the
# second factor on where it tests it.
STAFF_SECOND_FACTOR = False

# The limits per address are tested with their own rates (tests/shdt/test_limits.py);
# elsewhere no test may meet them.
PAGE_RATE = "100000/minute"
DOWNLOAD_RATE = "100000/minute"
APPLICATION_RATE = "100000/minute"
