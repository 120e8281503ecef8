"""The filter backend of the API's lists."""

from django_filters.rest_framework import DjangoFilterBackend


class TableFilterBackend(DjangoFilterBackend):
    """
    django-filter's backend, named for the registry's lists: the OpenAPI description of
    their parameters (shdt.core.api.schema.RegistryFilterExtension) is made for it.
    """
