"""What every registry FilterSet shares."""

import copy

import django_filters
from django import forms
from django.forms.utils import ErrorDict
from django.http import QueryDict

from .caching import VersionValues, current_version, reference_rows


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


# The filtered querysets of this process, by FilterSet, base queryset and parameters, for
# the current data version (RegistryFilterSet.qs).
filtered_querysets = VersionValues()


class RegistryFilterSet(django_filters.FilterSet):
    """
    A FilterSet that knows whether it serves the public (only records under public
    notice or published count, in joins too) or a staff tool (every record).

    Given a request's parameters (a QueryDict) and a `base_key` that names its base
    queryset (shdt.core.tables.Table gives its name and whether it is the public one), it keeps
    the valid parameters' filtered queryset for the data version, with the values the form
    cleaned them to: the next request with the same parameters takes a copy of the queryset
    instead of checking the form and building the query again (a fifth of an API page's
    work). The rows are read afresh each time: only the query is kept, never its result.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, public=True, base_key=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.public = public
        self._memo_key = None
        if base_key is not None and isinstance(data, QueryDict) and prefix is None:
            # What decides the query: the base queryset, the filters' values and the data
            # version (codes become ids, the lists' years and marked sets come from it).
            params = tuple((name, tuple(data.getlist(name))) for name in self.filters)
            self._memo_key = (type(self), public, base_key, params)
            self._version = current_version()

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            kept = self._kept()
            if kept is not None:
                # Only valid parameters are kept: no error, and the values they were cleaned to.
                form.cleaned_data = dict(kept[1])
                form._errors = ErrorDict()
        return self._form

    @property
    def errors(self):
        # A kept queryset's parameters are valid: no need to make the form to say so.
        return ErrorDict() if self._kept() is not None else self.form.errors

    def is_valid(self) -> bool:
        return self._kept() is not None or super().is_valid()

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            kept = self._kept()
            if kept is not None:
                self._qs = kept[0].all()
            else:
                queryset = super().qs
                if self._memo_key is not None and self.is_valid():
                    # A copy: the one handed out is evaluated, the kept one never is.
                    kept = (queryset.all(), dict(self.form.cleaned_data))
                    filtered_querysets.set(self._version, self._memo_key, kept)
        return self._qs

    def _kept(self):
        """The kept queryset and cleaned values of these parameters, if any."""
        if self._memo_key is None:
            return None
        return filtered_querysets.get(self._version, self._memo_key)

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
        kept = self._kept()
        if kept is not None:
            return kept[1].get(name)
        self.errors  # noqa: B018 -- validates the form, so that cleaned_data exists
        return self.form.cleaned_data.get(name)


def coded_filter(relation: str, model, label):
    """
    A repeatable filter by code (`district=pudong&district=xuhui`): several codes mean
    either. The valid codes come from the reference table, cached per data version, so
    that checking a request's codes costs no query.
    """
    return CodeFilter(model=model, relation=relation, label=label)


class CodeFilter(django_filters.MultipleChoiceFilter):
    """Filters by the foreign key's ids, looked up from the codes: no join, and an index can serve it."""

    def __init__(self, *, model, relation, **kwargs):
        self.reference_model = model
        kwargs.setdefault("choices", lambda: reference_rows(model, ("code", "name")))
        # A foreign key gives one row per record: DISTINCT would only cost time.
        kwargs.setdefault("distinct", False)
        super().__init__(field_name=relation, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        ids = dict(reference_rows(self.reference_model, ("code", "pk")))
        return qs.filter(**{f"{self.field_name}__in": [ids[code] for code in value if code in ids]})



class YearFilter(django_filters.NumberFilter):
    """
    A year (`year=2021`): a whole number that a date can have. Anything else is refused
    as a bad value, not passed on to the database (year=0 would fail there, year=2021.5
    would match 2021).
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)
