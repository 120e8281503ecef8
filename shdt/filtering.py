"""What every registry FilterSet shares."""

import django_filters


class RegistryFilterSet(django_filters.FilterSet):
    """
    A FilterSet that knows whether it serves the public (only records under public
    notice or published count, in joins too) or a staff tool (every record).
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, public=True):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.public = public

    def cleaned(self, name: str):
        """The valid value of one filter (None if absent or refused)."""
        self.errors  # noqa: B018 -- validates the form, so that cleaned_data exists
        return self.form.cleaned_data.get(name)
