"""Policy documents on digital trade (表 3-2), a timeline by date and five-year-plan period."""

import datetime

from django.db import models
from django.db.models import Case, CharField, Value, When
from django.utils.translation import gettext_lazy as _

from shdt.core.fields import SourceField
from shdt.core.models import PublishableModel, PublishableQuerySet, TimestampedModel, registry_history


class PlanPeriod(models.TextChoices):
    """China's five-year-plan periods; a document belongs to the one its date falls in."""

    P13 = "13th", "十三五"
    P14 = "14th", "十四五"
    P15 = "15th", "十五五"


PLAN_PERIOD_ENGLISH = {
    PlanPeriod.P13: "13th Five-Year Plan",
    PlanPeriod.P14: "14th Five-Year Plan",
    PlanPeriod.P15: "15th Five-Year Plan",
}

# First and last year of each period; the 十三五 runs 2016–2020, and so on.
PLAN_PERIOD_YEARS = {
    PlanPeriod.P13: (2016, 2020),
    PlanPeriod.P14: (2021, 2025),
    PlanPeriod.P15: (2026, 2030),
}


def plan_period_for(date: datetime.date) -> PlanPeriod | None:
    """Return the five-year-plan period a date falls in, or None outside the known ones."""
    for period, (first, last) in PLAN_PERIOD_YEARS.items():
        if first <= date.year <= last:
            return period
    return None


def plan_period_expression():
    """The period a document's date falls in, as a database expression (for grouping and counting)."""
    return Case(
        *(
            When(published_on__year__gte=first, published_on__year__lte=last, then=Value(period.value))
            for period, (first, last) in PLAN_PERIOD_YEARS.items()
        ),
        output_field=CharField(),
    )


class PolicyQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, title, published_on):
        return self.get(title=title, published_on=published_on)


class Policy(PublishableModel, TimestampedModel):
    """A policy document as 表 3-2 gives it: date, issuer and title (with its 《》)."""

    published_on = models.DateField(_("date of publication"))
    issuer = models.CharField(_("issuer"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    source = SourceField()
    source_note = models.TextField(
        _("source note"),
        blank=True,
        help_text=_("What else the report says of this document, e.g. another date given elsewhere."),
    )

    objects = PolicyQuerySet.as_manager()
    history = registry_history()

    class Meta:
        ordering = ["published_on", "title"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        permissions = [("publish_policy", _("Can put policy documents under public notice, publish and withdraw them"))]
        constraints = [
            models.UniqueConstraint(fields=["title", "published_on"], name="policy_unique_title_date"),
        ]

    list_url_name = "policy_list"

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.title, self.published_on.isoformat())

    @property
    def plan_period(self) -> PlanPeriod | None:
        return plan_period_for(self.published_on)

    @property
    def plan_period_label(self) -> str:
        period = self.plan_period
        return period.label if period else ""

    @property
    def plan_period_label_en(self) -> str:
        period = self.plan_period
        return PLAN_PERIOD_ENGLISH[period] if period else ""
