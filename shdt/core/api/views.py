"""Base views that read a registry table."""

from rest_framework import generics
from rest_framework.mixins import ListModelMixin

from ..caching import response_cacheable_mark
from ..tables import Table

TAG_REFERENCE = "reference data"


class CachedReadMixin:
    """
    Let the response cache (shdt.core.caching.ResponseCacheMiddleware) keep an anonymous
    reader's answer, for the current data version; staff answers are never kept.
    """

    response_cache = True

    @classmethod
    def response_cache_params(cls) -> frozenset[str]:
        """
        The query parameters the view reads (a request with any other is answered, not
        kept): a list's paging, and its table's filters.
        """
        params = set()
        if issubclass(cls, ListModelMixin) and cls.pagination_class is not None:
            params |= {cls.pagination_class.page_query_param, cls.pagination_class.page_size_query_param}
        table = getattr(cls, "table", None)
        if table is not None:
            params |= set(table.filterset_class.base_filters)
        return frozenset(params - {None})

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # A page number or size written another way than the page shown (?page_size=500
        # gives 100) is answered but not kept: a key per spelling would fill the cache.
        paginator = getattr(self, "_paginator", None)
        if request.method == "GET" and not request.user.is_authenticated and getattr(paginator, "canonical", True):
            response_cacheable_mark(response)
        return response


class TableListView(CachedReadMixin, generics.ListAPIView):
    """
    List the rows of a registry table with the table's own queryset and filters.

    The queryset and the FilterSet come from `shdt.core.tables`, the same ones as the public list
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

    def filter_queryset(self, queryset):
        # The table's own queryset: the FilterSet's answer for valid parameters is kept per
        # data version (shdt.core.tables.Table.select). Refused ones go to the filter
        # backend, which answers 400 naming them; another queryset is filtered there too.
        if type(self).get_queryset is TableListView.get_queryset:
            selection = self.table.select(self.request.query_params)
            if selection.is_valid():
                return selection.qs
        return super().filter_queryset(queryset)


class SlugDetailView(CachedReadMixin, generics.RetrieveAPIView):
    """One record by its permalink slug; list filters do not apply to it."""

    lookup_field = "slug"
    filter_backends = ()


def reference_list_view(model, serializer_class, *, summary, description):
    """
    The read-only list of a reference table (regions, business types, …): every row, in
    its order, with the codes that filters take. One view for all of them.
    """
    from drf_spectacular.utils import extend_schema

    view = type(
        f"{model.__name__}ListView",
        (CachedReadMixin, generics.ListAPIView),
        {"queryset": model.objects.all(), "serializer_class": serializer_class, "filter_backends": ()},
    )
    return extend_schema(tags=[TAG_REFERENCE], summary=summary, description=description)(view)
