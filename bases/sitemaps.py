"""The export bases' public pages, for /sitemap.xml."""

from shdt.core.sitemaps import RecordSitemap

from .models import ExportBase


class ExportBaseSitemap(RecordSitemap):
    def records(self):
        return ExportBase.objects.public()
