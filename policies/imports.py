"""
How the policy table (表 3-2) is imported (see shdt.core.imports). A document is matched by
its title (normalised for width and spaces) and date; a title that appears once in the
registry is matched by the title alone, so that a corrected date is a change, not a copy.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from shdt.core.imports import CHANGED, NEW, UNCHANGED, RowOutcome, TableImport
from shdt.core.text import normalize_name

from .models import Policy
from .resources import PolicyResource


@dataclass
class PolicyPlan:
    row: object
    outcome: RowOutcome
    record: Policy | None = None
    values: dict = field(default_factory=dict)
    changed_fields: list = field(default_factory=list)


class PolicyImport(TableImport):
    resource_class = PolicyResource
    model = Policy
    required_columns = ("published_on", "title")

    def prepare(self, rows):
        self.by_title_date = {}
        by_title: dict[str, list[Policy]] = {}
        for policy in Policy.objects.all():
            self.by_title_date[(normalize_name(policy.title), policy.published_on)] = policy
            by_title.setdefault(normalize_name(policy.title), []).append(policy)
        self.by_title = {title: policies[0] for title, policies in by_title.items() if len(policies) == 1}
        self.plans: list[PolicyPlan] = []
        self.seen: dict = {}

    def check_row(self, row):
        values = self.read_plain_fields(row)
        title, date = values.get("title"), values.get("published_on")
        outcome = RowOutcome(row.number, NEW, str(title or ""))
        plan = PolicyPlan(row, outcome)
        self.plans.append(plan)
        for key in ("title", "published_on"):
            if key in values and not values[key]:
                self.required(row, key, None)
        if not title or not date:
            return outcome
        key = (normalize_name(title), date)
        record = self.by_title_date.get(key) or self.by_title.get(key[0])
        seen_key = record.pk if record else key
        if seen_key in self.seen:
            row.error("title", "duplicate_row", _("the same document as row %(row)d") % {"row": self.seen[seen_key]})
            return outcome
        self.seen[seen_key] = row.number
        plan.record = record
        if record is None:
            if not values.get("issuer"):
                if row.has("issuer"):
                    self.required(row, "issuer", None)
                else:
                    row.error(None, "required", _("a new document needs the column “%(column)s”") % {
                        "column": self.resource.fields["issuer"].column_name
                    })
            plan.values = values
            return outcome
        if "issuer" in values and not values["issuer"]:
            self.required(row, "issuer", None)
        changes, changed_fields = self.changes(row, record, values)
        outcome.changes = changes
        plan.values = {name: values[name] for name in changed_fields}
        plan.changed_fields = changed_fields
        outcome.status = CHANGED if changes else UNCHANGED
        return outcome

    def write(self):
        created, changed, fields = [], [], set()
        for plan in self.plans:
            if plan.outcome.status == NEW:
                created.append(Policy(**plan.values))
            elif plan.outcome.status == CHANGED:
                for name, value in plan.values.items():
                    setattr(plan.record, name, value)
                changed.append(plan.record)
                fields.update(plan.changed_fields)
        self.bulk_update(Policy, changed, fields)
        self.bulk_create(Policy, created)
