"""
How the export-base table is imported (see shdt.core.imports). A base is matched by its name
(normalised for width and spaces). Its recognitions travel in three cells, as the export
writes them: 认定年份 “2021；2022”, 批次 “首批；第二批” and 认定出处, one entry per statement.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shdt.core.imports import CHANGED, INVALID, NEW, Change, TableImport, header_key
from shdt.core.models import unique_slug
from shdt.core.text import normalize_name, permalink_slug

from .models import ExportBase, Recognition
from .resources import MULTI_SEPARATOR, ExportBaseResource

_LIST_SEPARATORS = re.compile(r"[；;、，,/\s]+")


class ExportBaseImport(TableImport):
    resource_class = ExportBaseResource
    model = ExportBase
    special_columns = ("category", "years", "batches", "recognition_sources")
    required_columns = ("name",)

    def template_choices(self):
        return {**super().template_choices(), "category": [str(label) for label in ExportBase.Category.labels]}

    def prepare(self, rows):
        self.bases = {
            normalize_name(base.name): base
            for base in ExportBase.objects.select_related("domain", "region").prefetch_related("recognitions")
        }
        self.categories = {}
        for value, label in ExportBase.Category.choices:
            for spelling in (value, label, str(label).removeprefix("国家")):
                self.categories[header_key(spelling)] = value
        self.batches = {}
        for value, label in Recognition.Batch.choices:
            for spelling in (value, label):
                self.batches[header_key(spelling)] = value

    def check_row(self, row):
        values = self.read_plain_fields(row)
        name = values.get("name")
        plan = self.start_plan(row, name)
        if row.has("category"):
            category = self.read_category(row)
            if category is not INVALID:
                values["category"] = category
        plan.attached = self.read_recognitions(row, self.bases.get(normalize_name(name or "")))
        self.refuse_blanks(row, values, ("name",))
        if not name:
            return plan.outcome
        key = normalize_name(name)
        if not self.first_of(row, key, "name", gettext_lazy("the same base as row %(row)d")):
            return plan.outcome
        record = self.bases.get(key)
        if record is None:
            self.refuse_blanks(
                row, values, ("category", "domain"), new_record_message=gettext_lazy("a new base needs the column “%(column)s”")
            )
            return self.plan_new(plan, values)
        self.refuse_blanks(row, values, ("category", "domain"))
        outcome = self.plan_change(plan, record, values)
        for change in outcome.changes:
            if change.column == row.header("category"):
                change.old, change.new = (
                    str(ExportBase.Category(v).label) if v in ExportBase.Category.values else v
                    for v in (record.category, values["category"])
                )
        if plan.attached is not None:
            before = self.statements(record.recognitions.all())
            if sorted(before) != sorted(plan.attached):
                if not plan.changed_fields:
                    self.refuse_public_change(row, record)
                outcome.add_change(Change(row.header("years"), self.describe(before), self.describe(plan.attached)))
        return outcome

    def read_category(self, row):
        value = row.raw("category")
        if value in (None, ""):
            return ""
        # “特色服务出口基地(人力资源)” names its domain in parentheses; the domain has its own column.
        text = re.sub(r"[(（][^()（）]*[)）]$", "", str(value).strip())
        category = self.categories.get(header_key(text))
        if category is None:
            row.error("category", "unknown_category", _("unknown category “%(value)s”") % {"value": value})
            return INVALID
        return category

    def read_recognitions(self, row, record):
        """Return the row's recognitions as (year, batch, source), or None if it has no 认定年份 column."""
        if not row.has("years"):
            return None
        years = []
        for part in _LIST_SEPARATORS.split(str(row.raw("years") or "").strip()):
            if not part:
                continue
            try:
                year = int(float(part))
            except ValueError:
                year = None
            if year is None or not 1949 <= year <= 2100:
                row.error("years", "invalid_year", _("“%(value)s” is not a year") % {"value": part})
                return None
            years.append(year)
        batches = [""] * len(years)
        if row.has("batches") and str(row.raw("batches") or "").strip():
            parts = [p for p in _LIST_SEPARATORS.split(str(row.raw("batches")).strip()) if p]
            if len(parts) != len(years):
                row.error("batches", "count_mismatch", _("give one batch for each year recognised, in the same order"))
                return None
            batches = []
            for part in parts:
                batch = self.batches.get(header_key(part))
                if batch is None:
                    row.error("batches", "unknown_batch", _("unknown batch “%(value)s”") % {"value": part})
                    return None
                batches.append(batch)
        if row.has("recognition_sources"):
            cell = str(row.raw("recognition_sources") or "").strip()
            current = [r.source for r in record.recognitions.all()] if record else []
            if len(current) == len(years) and MULTI_SEPARATOR.join(current) == cell:
                # A source may itself hold “；” (第三章第二节三；第五章第一节一): the cell as exported.
                sources = current
            elif len(years) <= 1:
                sources = [cell] * len(years)
            else:
                sources = [s.strip() for s in cell.split(MULTI_SEPARATOR)]
                if sources == [""]:
                    sources = [""] * len(years)
            if len(sources) != len(years):
                row.error(
                    "recognition_sources",
                    "count_mismatch",
                    _("give one source for each year recognised, in the same order"),
                )
                return None
        else:
            # Without the column, a year the base already has keeps its statement's source.
            existing = list(record.recognitions.all()) if record else []
            sources = []
            for year in years:
                same_year = [r.source for r in existing if r.year == year]
                sources.append(same_year[0] if len(same_year) == 1 else "")
        statements = list(zip(years, batches, sources))
        keys = [(year, source) for year, _batch, source in statements]
        if len(set(keys)) != len(keys):
            row.error("years", "duplicate_year", _("the same year is given twice with the same source"))
            return None
        return statements

    @staticmethod
    def statements(recognitions) -> list[tuple]:
        return [(r.year, r.batch, r.source) for r in recognitions]

    @staticmethod
    def describe(statements) -> str:
        labels = dict(Recognition.Batch.choices)
        return MULTI_SEPARATOR.join(
            f"{year}{' ' + str(labels[batch]) if batch else ''}" for year, batch, _source in sorted(statements)
        )

    def write(self):
        taken = set(ExportBase.objects.values_list("slug", flat=True))
        for plan in self.planned(NEW):
            plan.record = ExportBase(**plan.values)
            plan.record.slug = unique_slug(ExportBase, permalink_slug(plan.record.name), taken=taken)
            taken.add(plan.record.slug)
        self.bulk_create(ExportBase, [plan.record for plan in self.planned(NEW)])
        self.bulk_update(ExportBase, *self.apply_changes())

        added, rebatched = [], []
        for plan in self.planned(NEW, CHANGED):
            if plan.attached is None:
                continue
            existing = {} if plan.status == NEW else {(r.year, r.source): r for r in plan.record.recognitions.all()}
            wanted = {(year, source): batch for year, batch, source in plan.attached}
            for (year, source), batch in wanted.items():
                recognition = existing.get((year, source))
                if recognition is None:
                    added.append(Recognition(base=plan.record, year=year, batch=batch, source=source))
                elif recognition.batch != batch:
                    recognition.batch = batch
                    rebatched.append(recognition)
            for key, recognition in existing.items():
                if key not in wanted:
                    # Rare and few: deleted one by one, so that the history records each.
                    recognition._history_user = self.user
                    recognition.delete()
        self.bulk_update(Recognition, rebatched, ["batch"])
        self.bulk_create(Recognition, added)
