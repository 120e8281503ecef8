"""
The sitemap (/sitemap.xml, django.contrib.sitemaps): every public page a search engine
should know, each app's records through the sitemap it registers (shdt.core.registry.
register_sitemap), with when it last changed.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import reverse

from .registry import registered_sitemaps


class Sitemap(DjangoSitemap):
    """Addresses on SITE_URL, as the canonical links and the downloads write them (shdt.core.links)."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class RecordSitemap(Sitemap):
    """
    The public pages of one kind of record. `records()` returns what the public sees;
    the sitemap reads only the fields the address and the date need, in primary-key
    order so that its pages (50,000 addresses each) are stable.
    """

    lastmod_field = "updated_at"
    url_fields: tuple[str, ...] = ("slug",)

    def records(self):
        raise NotImplementedError

    def items(self):
        return self.records().only("pk", self.lastmod_field, *self.url_fields).order_by("pk")

    def lastmod(self, record):
        return getattr(record, self.lastmod_field)


class SitePagesSitemap(Sitemap):
    """The site's own pages: home, the lists, statistics, the editions and the API's documentation."""

    url_names = (
        "home",
        "enterprise_list",
        "exportbase_list",
        "policy_list",
        "annuallist_list",
        "stats",
        "changes",
        "site_map",
        "accessibility",
        "api:docs",
    )

    def items(self):
        return list(self.url_names)

    def location(self, name):
        return reverse(name)


def sitemaps() -> dict[str, type]:
    """The sections of /sitemap.xml: the site's pages first, then each app's records."""
    return {"pages": SitePagesSitemap, **registered_sitemaps()}
