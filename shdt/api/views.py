"""Base views that read a registry table."""

from django.core.cache import cache
from django.http import HttpResponse
from rest_framework import generics

from ..caching import response_cache_seconds, response_key
from ..tables import Table


class CachedReadMixin:
    """
    Serve an anonymous reader's GET from the cache of the current data version. It runs
    after authentication and the throttle (in the handler), so a cached answer still
    counts against the reader's rate; staff answers are never cached.
    """

    def get(self, request, *args, **kwargs):
        if response_cache_seconds() <= 0 or request.user.is_authenticated:
            return super().get(request, *args, **kwargs)
        key = response_key(request) + ":" + request.accepted_media_type
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            response.add_post_render_callback(
                lambda r: cache.set(key, (r.content, r["Content-Type"]), response_cache_seconds())
            )
        return response


class TableListView(CachedReadMixin, generics.ListAPIView):
    """
    List the rows of a registry table with the table's own queryset and filters.

    The queryset and the FilterSet come from `shdt.tables`, the same ones as the public list
    page and its downloads: what the public may see is decided there, once, and a filter
    means the same thing on the page, in the file and here.
    """

    table: Table

    def get_queryset(self):
        return self.table.get_queryset()

    @property
    def filterset_class(self):
        # Read by django-filter's DRF backend, which filters and validates with it.
        return self.table.filterset_class


class SlugDetailView(CachedReadMixin, generics.RetrieveAPIView):
    """One record by its permalink slug; list filters do not apply to it."""

    lookup_field = "slug"
    filter_backends = ()
