"""What every page's template may show besides its own context."""

import functools

from django.urls import get_script_prefix, reverse

from shdt.core.versioning import request_data_version

# The addresses the header and footer of every page link to, by URL name.
CHROME_URL_NAMES = (
    "home",
    "enterprise_list",
    "exportbase_list",
    "policy_list",
    "stats",
    "change_feed",
    "annuallist_list",
    "set_language",
    "admin:index",
)


def last_updated(request):
    """
    `registry_updated_at`: when the registry's records last changed, for the footer of
    every page. A callable, so that a page that does not show it does not read it; the
    data version is read at most once per request however often it is shown.
    """
    return {"registry_updated_at": lambda: request_data_version(request).changed_at}


def site_urls(request):
    """
    `site_urls`: the addresses of CHROME_URL_NAMES (`site_urls.home`, `site_urls.admin_index`).
    They are the same for every request under one script prefix, so they are reversed once:
    a {% url %} tag for each of them cost a list page more than its query.
    `site_section`: the first part of the page's path below that prefix ("enterprises",
    "bases", …), which the menu marks as the current one.
    """
    return {"site_urls": _site_urls(get_script_prefix()), "site_section": request.path_info.split("/", 2)[1]}


@functools.cache
def _site_urls(script_prefix: str) -> dict[str, str]:
    return {name.replace(":", "_"): reverse(name) for name in CHROME_URL_NAMES}
