"""The filter backend of the API's lists."""

from django_filters.rest_framework import DjangoFilterBackend


class TableFilterBackend(DjangoFilterBackend):
    """django-filter's backend, with what the view adds to its FilterSet's arguments (get_filterset_kwargs)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if hasattr(view, "get_filterset_kwargs"):
            kwargs.update(view.get_filterset_kwargs())
        return kwargs
