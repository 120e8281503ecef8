"""The enterprises' public pages and the lists' editions, for /sitemap.xml."""

from shdt.core.sitemaps import RecordSitemap

from .models import Enterprise, ListEdition


class EnterpriseSitemap(RecordSitemap):
    def records(self):
        return Enterprise.objects.public()


class ListEditionSitemap(RecordSitemap):
    # An edition never changes once published: its date is its last change.
    lastmod_field = "published_at"

    def records(self):
        return ListEdition.objects.select_related("annual_list")

    def items(self):
        return self.records().only("pk", "number", "published_at", "annual_list__year").order_by("pk")
