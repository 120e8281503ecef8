"""Page-number paging, as the site pages its lists."""

from functools import partial

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from ..caching import CountCachingPaginator, current_token, public_params_key

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class RegistryPagination(PageNumberPagination):
    """
    Page-number paging with the site's page size (50). A client may ask for another up to
    the maximum (100; more gives 100); a page size that is not a positive whole number is
    refused with 400, as any other bad parameter is, instead of being silently ignored.
    """

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        # The count of a query is kept per data token, as on the site's pages; a deep page
        # is fetched by its keys first. A view whose rows are plain values may have the rows
        # of its first pages kept too, by naming them (`cached_rows_key(request)`).
        # Only the view's filters name the rows: other parameters would make new keys at will.
        filterset_class = getattr(view, "filterset_class", None)
        filters = frozenset(filterset_class.base_filters) if filterset_class is not None else frozenset()
        params = public_params_key(
            request.query_params, ignore=(self.page_query_param, self.page_size_query_param, "sort"), only=filters
        )
        key = (request.path, params)
        rows_key = view.cached_rows_key(request) if hasattr(view, "cached_rows_key") else None
        self.django_paginator_class = partial(
            CountCachingPaginator, count_key=key, cached_rows_key=rows_key, token=current_token()
        )
        rows = super().paginate_queryset(queryset, request, view)
        if rows is None:
            return rows
        # Whether the query names the page shown as the page's own links do (see CachedReadMixin).
        page, size = (request.query_params.get(name) for name in (self.page_query_param, self.page_size_query_param))
        self.canonical = (page is None or page == str(self.page.number)) and (
            size is None or size == str(self.get_page_size(request))
        )
        return rows

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if not value:
            return self.page_size
        try:
            size = int(value)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError({self.page_size_query_param: [_("Enter a whole number of at least 1.")]})
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Page number, from 1. A page past the last answers 404.")),
                "schema": {"type": "integer", "minimum": 1},
                "example": 1,
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Rows per page: %(default)d unless given, at most %(maximum)d (a larger number gives %(maximum)d).")
                    % {"default": self.page_size, "maximum": self.max_page_size}
                ),
                "schema": {"type": "integer", "minimum": 1},
                "example": self.page_size,
            },
        ]
