"""
What every registry FilterSet shares, and the filters it is made of.

A filter is declared once, in its FilterSet, with everything the registry derives from it:
how the API documents it (`help_text`, as a form field takes it, and an `example`: read by
shdt.core.api.schema), whether a download's file name carries its values (`filename`), and,
through the FilterSet's `Meta.facets`, whether and how the list page shows it as choices
with counts (shdt.core.listing.Facet).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .caching import reference_rows


class RegistryFilter:
    """
    A filter that says, besides how it filters, what the registry derives from it:

    - `example`: a value the API's schema shows (its description is the `help_text`);
    - `filename`: whether a download's file name carries the chosen values
      (shdt-enterprises-2022-pudong.xlsx); only codes and years make good words.
    """

    def __init__(self, *args, example=None, filename: bool = True, choices_for=None, **kwargs):
        self.example = example
        self.filename = filename
        # Choices that depend on who asks (choices_for(public=…)): the values that records
        # give, such as issuers or years. The public is offered, and may ask for, only
        # those of the records it sees: a draft's value must answer as a value that never
        # existed does, or the answer would tell that the draft exists.
        self.choices_for = choices_for
        if choices_for is not None:
            kwargs["choices"] = partial(choices_for, public=True)
        super().__init__(*args, **kwargs)

    def filename_words(self, value) -> list[str]:
        """The words of a download's file name for this filter's cleaned `value`."""
        if not self.filename or value in (None, "", [], ()):
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        return [str(item) for item in values]


class CharFilter(RegistryFilter, django_filters.CharFilter):
    """Free text: what it searches for is no word of a file name."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("filename", False)
        super().__init__(*args, **kwargs)


class ChoiceFilter(RegistryFilter, django_filters.ChoiceFilter):
    pass


class TypedChoiceFilter(RegistryFilter, django_filters.TypedChoiceFilter):
    pass


class MultipleChoiceFilter(RegistryFilter, django_filters.MultipleChoiceFilter):
    pass


class YearFilter(RegistryFilter, django_filters.NumberFilter):
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


class CodeFilter(MultipleChoiceFilter):
    """
    A repeatable filter by a reference record's code (`district=pudong&district=xuhui`):
    several codes mean either. The valid codes come from the reference table, cached per
    data version, so that checking a request's codes costs no query; the rows are filtered
    by the foreign key's ids, looked up from the codes: no join, and an index can serve it.

    Its field is the code through the relation (`region__code`): what the API's schema
    types the values by, and what a facet counts by. Each choice reads as the record's
    `label_field`, or its `name_en` on an English page.
    """

    def __init__(self, relation: str, model, *, label_field: str = "name", **kwargs):
        self.relation = relation
        self.reference_model = model
        kwargs.setdefault("choices", lambda: code_choices(model, label_field))
        # A foreign key gives one row per record: DISTINCT would only cost time.
        kwargs.setdefault("distinct", False)
        super().__init__(field_name=f"{relation}__code", **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        ids = dict(reference_rows(self.reference_model, ("code", "pk")))
        return qs.filter(**{f"{self.relation}__in": [ids[code] for code in value if code in ids]})


def code_choices(model, label_field: str) -> list[tuple[str, str]]:
    """A reference table's codes, each with its label in the page's language."""
    rows = reference_rows(model, ("code", label_field, "name_en"))
    if get_language() == "en":
        return [(code, english or label) for code, label, english in rows]
    return [(code, label) for code, label, _english in rows]


def _in_language(label: str, english: str) -> str:
    return english if english and get_language() == "en" else label


# A label that reads as `label`, or as `english` on an English page (decided when it is shown).
bilingual = lazy(_in_language, str)


def bilingual_choices(choices: Sequence[tuple[str, str]], english: Mapping[str, str]) -> list[tuple[str, str]]:
    """Model choices (the report's Chinese words) whose labels read in English on an English page."""
    return [(value, bilingual(label, english.get(value, ""))) for value, label in choices]


@dataclass(frozen=True)
class FacetOptions:
    """
    How the list page shows one of its FilterSet's filters as a facet (`Meta.facets`, by
    filter name, in the page's order). The facet's name, label and whether several values
    may be chosen are the filter's; what is left to say is only where the filter does not
    say it:

    - `group_by`: what the rows are counted by, an ORM path or a function returning an
      expression (the filter's field, e.g. `region__code`, if not given);
    - `choices`: a function returning the (value, label) pairs to offer (the filter's
      choices if not given);
    - `prepare`: a function that prepares the queryset before grouping.
    """

    group_by: str | Callable | None = None
    choices: Callable[[], Sequence[tuple[str, str]]] | None = None
    prepare: Callable[[QuerySet], QuerySet] | None = None


class RegistryFilterSet(django_filters.FilterSet):
    """
    A FilterSet that knows whether it serves the public (only records under public
    notice or published count, in joins too) or a staff tool (every record).

    `Meta.facets` (a dict of filter name to FacetOptions) names the filters the list page
    shows as facets, in its order.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, public=True):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.public = public
        if not public:
            for filter_ in self.filters.values():
                if getattr(filter_, "choices_for", None) is not None:
                    filter_.extra["choices"] = partial(filter_.choices_for, public=False)
                    filter_.__dict__.pop("_field", None)

    def cleaned(self, name: str):
        """The valid value of one filter (None if absent or refused)."""
        self.is_valid()  # checks the form, so that cleaned_data exists
        return self.form.cleaned_data.get(name)

    def filename_words(self) -> list[str]:
        """The words a download's file name takes from this FilterSet's valid values (see words_for)."""
        self.is_valid()  # checks the form, so that cleaned_data exists
        return self.words_for(self.form.cleaned_data)

    @classmethod
    def words_for(cls, values: Mapping) -> list[str]:
        """
        The words a download's file name takes from the chosen `values` (as the form
        cleaned them), in the filters' order: shdt-enterprises-2022-pudong.xlsx. Refused
        values are not among them: they name nothing, as they filter nothing.
        """
        words = []
        for name, filter_ in cls.base_filters.items():
            if isinstance(filter_, RegistryFilter):
                words += filter_.filename_words(values.get(name))
        return words

    @classmethod
    def facet_options(cls) -> dict[str, FacetOptions]:
        """The filters shown as facets, by name, with how (see FacetOptions)."""
        return dict(getattr(getattr(cls, "Meta", None), "facets", {}))


@dataclass(frozen=True)
class Selection:
    """
    What a FilterSet answered for a request's parameters: the filtered queryset, the
    values the filters took and the errors of the refused ones (shdt.core.tables.Table.select
    keeps a valid one per data version). It reads as the FilterSet does for what the list
    page, the downloads and the API ask of it.
    """

    filterset_class: type
    # Never evaluated itself: `qs` hands out a copy.
    queryset: QuerySet
    values: Mapping
    errors: Mapping

    @classmethod
    def of(cls, filterset: RegistryFilterSet) -> "Selection":
        valid = filterset.is_valid()
        errors = {} if valid else filterset.errors
        return cls(type(filterset), filterset.qs.all(), dict(filterset.form.cleaned_data), errors)

    @property
    def qs(self) -> QuerySet:
        return self.queryset.all()

    def is_valid(self) -> bool:
        return not self.errors

    def cleaned(self, name: str):
        """The valid value of one filter (None if absent or refused)."""
        return self.values.get(name)

    def filename_words(self) -> list[str]:
        return self.filterset_class.words_for(self.values)


def refusal_sentences(filterset_class, params, errors: Mapping) -> list[str]:
    """
    Each refused filter as one sentence in the visitor's language that names the filter
    and the value, as the list pages and the downloads answer it (400): 未知的区域：waitan.
    A value outside a filter's choices is "unknown"; any other refusal keeps the form's reason.
    """
    sentences = []
    for name, reasons in errors.items():
        filter_ = filterset_class.base_filters.get(name)
        label = str(filter_.label) if filter_ is not None and filter_.label else name
        choices = filter_.extra.get("choices") if filter_ is not None else None
        if choices is not None:
            valid = {str(value) for value, _label in (choices() if callable(choices) else choices)}
            unknown = [value for value in params.getlist(name) if value not in valid]
            if unknown:
                shown = ", ".join(value or _("(empty)") for value in unknown)
                sentences.append(_("Unknown %(filter)s: %(value)s") % {"filter": label, "value": shown})
                continue
        sentences.append(_("%(filter)s: %(reason)s") % {"filter": capfirst(label), "reason": " ".join(map(str, reasons))})
    return sentences
