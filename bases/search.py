"""What export bases give the site's search (shdt.core.search): the public bases whose name matches."""

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from shdt.core.search import Hit, SearchSource

from .models import ExportBase


def export_base_hits(query: str, limit: int) -> list[Hit]:
    # A few dozen bases at most: no index is needed for their names.
    rows = (
        ExportBase.objects.public()
        .filter(Q(name__icontains=query) | Q(name_en__icontains=query))
        .order_by("name")
        .only("name", "name_en", "slug")[:limit]
    )
    return [Hit(base.name, base.get_absolute_url(), base.name_en) for base in rows]


def export_base_list_url(query: str) -> str:
    return f"{reverse('exportbase_list')}?{urlencode({'q': query})}"


EXPORT_BASE_SOURCE = SearchSource("bases", _("Export bases"), export_base_hits, order=30, more_url=export_base_list_url)
