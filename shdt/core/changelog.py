"""
The change log of the registry's records, read from their django-simple-history tables:
each change's fields from what to what, as staff read them (issue 15), and the latest
changes across every kind of record, newest first, for the staff's *recent changes* page.

Nothing here writes: history rows are written by simple-history (edits by hand) and by
shdt.core.imports.history (imports, which also record the import that made them).
"""

from __future__ import annotations

import datetime
import decimal
import heapq
from dataclasses import dataclass
from itertools import islice

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import prefetch_related_objects
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import ModelChange, ModelDelta
from simple_history.template_utils import HistoricalRecordContextHelper

from .filtering import bilingual
from .imports.results import quoted
from .models import CodedReference
from .registry import history_models

# The recent changes page reads no further back than this many changes of each kind of
# record (a hundred pages): deeper history is found with the filters.
RECENT_CHANGES_MAX = 5000


def value_text(field, value) -> str:
    """
    A field's value as the change log shows it: a choice by its label, a related record
    by its name (a reference row's in the reader's language), yes or no, a date in the
    reader's format, in quotes; “(empty)” where there is none, as an import's preview
    shows it (shdt.core.imports.results.quoted).
    """
    if value is None or value == "" or value == []:
        return quoted(None)
    if isinstance(value, CodedReference):
        # A region or a type by its name in the reader's language, as the filters offer it.
        value = bilingual(value.name, value.name_en)
    elif getattr(field, "flatchoices", None):
        value = dict(field.flatchoices).get(value, value)
    elif isinstance(value, bool):
        value = _("yes") if value else _("no")
    elif isinstance(value, datetime.datetime):
        value = formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    elif isinstance(value, (datetime.date, decimal.Decimal)):
        value = formats.localize(value)
    elif isinstance(value, list):
        value = "、".join(map(str, value))
    return quoted(value)


class ChangeText(HistoricalRecordContextHelper):
    """
    simple-history's formatting of a change (field: old → new), with each value as
    value_text() writes it instead of the raw code, id or an empty string.
    """

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return value_text(self.model._meta.get_field(change.field), value)


# Fields staff do not edit in a form but whose changes the log shows: the publication
# state reviewers move (shdt.core.publication). The other fields that are not edited are
# derived (slug, timestamps) and would only repeat every change.
ALSO_LOGGED = ("status", "notice")


def history_change_rows(model, record, previous) -> list[dict]:
    """
    The changes ({"field", "old", "new"}, as staff read them) that the history row
    `record` made after `previous`, the record's row before it, in the order of the
    record's fields. A creation shows each value it was created with, from “(empty)”.
    """
    if record.history_type == "+":
        changes = [
            ModelChange(field.name, None, getattr(record, field.name))
            for field in record.tracked_fields
            if (field.editable or field.name in ALSO_LOGGED)
            and not field.primary_key
            and getattr(record, field.attname) not in (None, "")
        ]
    elif previous is None:
        return []
    else:
        # simple-history compares the fields a form edits; the publication state is compared here.
        changes = list(record.diff_against(previous, foreign_keys_are_objs=True).changes)
        for field in record.tracked_fields:
            if field.name in ALSO_LOGGED and not field.editable:
                if getattr(previous, field.attname) != getattr(record, field.attname):
                    changes.append(ModelChange(field.name, getattr(previous, field.name), getattr(record, field.name)))
    order = [field.name for field in model._meta.fields]
    changes.sort(key=lambda change: order.index(change.field) if change.field in order else len(order))
    delta = ModelDelta(changes, [change.field for change in changes], previous, record)
    rows = ChangeText(model, record).context_for_delta_changes(delta)
    # A value that only changed its kind of nothing (NULL → "") is no change to the reader.
    return [row for row in rows if row["old"] != row["new"]]


def with_changes(model, records: list) -> None:
    """
    Set `history_delta_changes` on each of a record's history rows, newest first (a page
    of its history): each is compared with the next, the last with the row before it.
    """
    for index, record in enumerate(records):
        if index + 1 < len(records):
            previous = records[index + 1]
        else:
            previous = record.prev_record if record.history_type != "+" else None
        record.history_delta_changes = history_change_rows(model, record, previous)


# The recent changes across all records --------------------------------------------------


def model_label(model) -> str:
    return model._meta.label_lower


def change_models(may_view) -> list[type]:
    """The kinds of record with a history whose changes `may_view(model)` allows the reader to see."""
    return [model for model in history_models() if may_view(model)]


class RecentChangeFilterSet(django_filters.FilterSet):
    """
    The recent changes by who, which kind of record and when. The same filters apply to
    each history table (every one has history_user and history_date); the kind of record
    chooses the tables, and is offered only among those the reader may see.
    """

    user = django_filters.ModelChoiceFilter(
        label=gettext_lazy("user"), field_name="history_user", queryset=get_user_model().objects.order_by("username")
    )
    model = django_filters.ChoiceFilter(label=gettext_lazy("kind of record"), method="by_model")
    date = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("date"),
        field_name="history_date",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    def __init__(self, data, *, models: list[type], **kwargs):
        # A FilterSet is made with a queryset; each kind's history is filtered in turn
        # (recent_changes), any serves here: the filters name only the columns all share.
        super().__init__(data, queryset=models[0].history.all(), **kwargs)
        self.models = models
        self.filters["model"].extra["choices"] = [(model_label(m), m._meta.verbose_name_plural) for m in models]

    def by_model(self, queryset, name, value):
        # Chosen through chosen_models(): a history table holds one kind of record.
        return queryset

    def chosen_models(self) -> list[type]:
        if not self.is_bound:
            return list(self.models)
        self.form.is_valid()  # cleaned_data holds the values the form accepts, even beside a refused one
        label = self.form.cleaned_data.get("model")
        return [m for m in self.models if not label or model_label(m) == label]


@dataclass(frozen=True)
class RecentChange:
    """One change on the recent changes page: the history row, its kind of record and the record as the row holds it."""

    model: type
    entry: object
    record: object

    @property
    def kind(self) -> str:
        return self.model._meta.verbose_name

    @property
    def record_text(self) -> str:
        try:
            return str(self.record)
        except (ObjectDoesNotExist, AttributeError):
            # A record named by a related one that is gone (a list entry of a deleted enterprise).
            return f"{self.kind} #{self.entry.id}"


def page_records(model, entries: list) -> list:
    """
    The records as the history rows hold them (simple-history's history_object: built from
    the row, where `instance` would read the record's excluded fields again, a query per
    row), with the records they name fetched a query per relation, not per row: a list
    entry's name is its list's year and its enterprise's name.
    """
    records = [entry.history_object for entry in entries]
    relations = [field.name for field in model._meta.fields if field.many_to_one]
    prefetch_related_objects(records, *relations)
    return records


class RecentChanges:
    """
    The changes of several history tables, newest first, as one sequence that Django's
    Paginator pages: a page reads, of each table, only its newest rows up to the page's
    end (dates and ids: an index on history_date serves it), merges them, and then
    loads the page's own rows, with their users and imports, a query per table.
    """

    def __init__(self, querysets: dict[type, object], limit: int = RECENT_CHANGES_MAX):
        self.querysets = {model: qs.order_by("-history_date", "-history_id") for model, qs in querysets.items()}
        self.limit = limit

    def count(self) -> int:
        return sum(min(qs.count(), self.limit) for qs in self.querysets.values())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[RecentChange]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("RecentChanges is read by pages (a slice).")
        start = index.start or 0
        stop = min(index.stop if index.stop is not None else self.limit, self.limit * len(self.querysets))
        if stop <= start:
            return []
        heads = [
            [(date, pk, model) for date, pk in qs.values_list("history_date", "history_id")[: min(stop, self.limit)]]
            for model, qs in self.querysets.items()
        ]
        newest = list(islice(heapq.merge(*heads, key=lambda head: (head[0], head[1]), reverse=True), start, stop))
        rows = {}
        for model in {model for _date, _pk, model in newest}:
            pks = [pk for _date, pk, each in newest if each is model]
            entries = list(self.querysets[model].filter(history_id__in=pks).select_related("history_user", "import_record"))
            for entry, record in zip(entries, page_records(model, entries)):
                rows[model, entry.pk] = RecentChange(model, entry, record)
        return [rows[model, pk] for _date, pk, model in newest if (model, pk) in rows]


def recent_changes(filterset: RecentChangeFilterSet) -> RecentChanges:
    """The changes the filters choose, of the kinds of record the reader may see, newest first."""
    models = filterset.chosen_models()
    if not filterset.is_bound:
        return RecentChanges({model: model.history.all() for model in models})
    # A value the form refuses (a date that is none) is left out; the form says why.
    return RecentChanges({model: filterset.filter_queryset(model.history.all()) for model in models})
