"""
How the policy table (表 3-2) is imported (see shdt.core.imports). A document is matched by
its title (normalised for width and spaces) and date; a title that appears once in the
registry is matched by the title alone, so that a corrected date is a change, not a copy.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shdt.core.imports import NEW, TableImport
from shdt.core.text import normalize_name

from .models import Policy
from .resources import PolicyResource


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

    def check_row(self, row):
        values = self.read_plain_fields(row)
        title, date = values.get("title"), values.get("published_on")
        plan = self.start_plan(row, title)
        self.refuse_blanks(row, values, ("title", "published_on"))
        if not title or not date:
            return plan.outcome
        key = (normalize_name(title), date)
        record = self.by_title_date.get(key) or self.by_title.get(key[0])
        same_document = gettext_lazy("the same document as row %(row)d")
        if not self.first_of(row, record.pk if record else key, "title", same_document):
            return plan.outcome
        if record is None:
            self.refuse_blanks(
                row, values, ("issuer",), new_record_message=gettext_lazy("a new document needs the column “%(column)s”")
            )
            return self.plan_new(plan, values)
        self.refuse_blanks(row, values, ("issuer",))
        return self.plan_change(plan, record, values)

    def write(self):
        self.bulk_update(Policy, *self.apply_changes())
        self.bulk_create(Policy, [Policy(**plan.values) for plan in self.planned(NEW)])
