"""
How the award table is imported: a new kind of record joins the one import path with an
importer of its own and nothing else (an award is matched by its name and year).
"""

from shdt.core.imports import NEW, TableImport

from .models import Award
from .resources import AwardResource


class AwardImport(TableImport):
    resource_class = AwardResource
    model = Award
    required_columns = ("name", "year")

    def prepare(self, rows):
        self.awards = {(award.name, award.year): award for award in Award.objects.all()}

    def check_row(self, row):
        values = self.read_plain_fields(row)
        plan = self.start_plan(row, values.get("name"))
        self.refuse_blanks(row, values, ("name", "year"))
        if not values.get("name") or not values.get("year"):
            return plan.outcome
        key = (values["name"], values["year"])
        if not self.first_of(row, key, "name", "the same award as row %(row)d"):
            return plan.outcome
        record = self.awards.get(key)
        if record is None:
            return self.plan_new(plan, values)
        return self.plan_change(plan, record, values)

    def write(self):
        self.bulk_update(Award, *self.apply_changes())
        self.bulk_create(Award, [Award(**plan.values) for plan in self.planned(NEW)])
