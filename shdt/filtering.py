"""What every registry FilterSet shares."""

import copy

import django_filters


class FilterCopies(dict):
    """
    A FilterSet class's filters, which each FilterSet copies for itself. django-filter
    deep-copies them: some three hundred copies of choices, labels and arguments per
    request, a tenth of a list page's time. The filters never change after their class
    is made (a FilterSet only sets its own `model` and `parent` on its copies), so a
    shallow copy of each is enough. Setting `method` again binds a copy's method filter
    to the copy itself, not to the class's filter.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            copies[name] = clone = copy.copy(filter_)
            clone.method = filter_.method
        return copies


class FieldCopies(dict):
    """
    A filter form class's fields, which each form copies for itself. Django deep-copies
    them (widgets, choices, messages) so that a form may change its own; a filter form
    only reads them, so each form gets a shallow copy of each field, as with FilterCopies.
    """

    def __deepcopy__(self, memo):
        return {name: copy.copy(field) for name, field in self.items()}


class RegistryFilterSet(django_filters.FilterSet):
    """
    A FilterSet that knows whether it serves the public (only records under public
    notice or published count, in joins too) or a staff tool (every record).
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, public=True):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.public = public

    @classmethod
    def get_filters(cls):
        return FilterCopies(super().get_filters())

    def get_form_class(self):
        # django-filter builds a new form class, with new fields, for every request. The
        # fields depend on the class alone (their choices are callables, read when the
        # form is checked), so each FilterSet class builds its form class once.
        cls = type(self)
        if "_registry_form_class" not in cls.__dict__:
            form_class = super().get_form_class()
            form_class.base_fields = FieldCopies(form_class.base_fields)
            cls._registry_form_class = form_class
        return cls._registry_form_class

    def cleaned(self, name: str):
        """The valid value of one filter (None if absent or refused)."""
        self.errors  # noqa: B018 -- validates the form, so that cleaned_data exists
        return self.form.cleaned_data.get(name)
