"""
What the lists add to the admin index's workbench (shdt.core.workbench; registered in
EnterprisesConfig.ready): editors' changes to public enterprises waiting for review or
rejected, the latest edition of each year's list, and the reviewer's “publish a list”.
"""

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shdt.core.roles import can_publish
from shdt.core.templatetags.registry import localized
from shdt.core.workbench import (
    EDITIONS,
    MINE,
    MINE_PARAMETER,
    MY_DRAFTS,
    RETURNED,
    REVIEW,
    Action,
    Count,
    Line,
    changelist_url,
)

from .models import AnnualList, ListEdition, ListMembership, PendingChange


def workbench_entries(user, sections: set, today) -> list[tuple]:
    entries = [*pending_change_counts(user, sections)]
    if EDITIONS in sections:
        entries += [(EDITIONS, line) for line in edition_lines(user)]
    if can_publish(user, ListMembership) and user.has_perm("enterprises.add_listedition"):
        # Publishing is the “publish the list” action on the lists' changelist.
        entries.append((None, Action(_("Publish a list"), reverse("admin:enterprises_annuallist_changelist"))))
    return entries


def pending_change_counts(user, sections: set) -> list[tuple]:
    """Changes to public enterprises: all those waiting (a reviewer's), and the editor's own, waiting or rejected."""
    Decision = PendingChange.Decision
    wanted = {
        REVIEW: (Q(status=Decision.PENDING), {"status__exact": Decision.PENDING}, _("Changes to public enterprises")),
        MY_DRAFTS: (
            Q(status=Decision.PENDING, proposed_by=user),
            {"status__exact": Decision.PENDING, MINE_PARAMETER: MINE},
            _("My changes to public enterprises, waiting for review"),
        ),
        RETURNED: (
            Q(status=Decision.REJECTED, proposed_by=user),
            {"status__exact": Decision.REJECTED, MINE_PARAMETER: MINE},
            _("My changes to public enterprises, rejected"),
        ),
    }
    wanted = {key: value for key, value in wanted.items() if key in sections}
    if not wanted or changelist_url(PendingChange, user) is None:
        return []
    values = PendingChange.objects.aggregate(
        **{key: models.Count("pk", filter=condition) for key, (condition, _params, _label) in wanted.items()}
    )
    return [
        (key, Count(label, values[key], changelist_url(PendingChange, user, **params)))
        for key, (_condition, params, label) in wanted.items()
    ]


def edition_lines(user) -> list[Line]:
    """Each year's list, newest first, with its latest edition (or none yet): one query."""
    latest = ListEdition.objects.filter(annual_list=OuterRef("pk")).order_by("-number")
    lists = AnnualList.objects.annotate(
        edition_id=Subquery(latest.values("pk")[:1]),
        edition_number=Subquery(latest.values("number")[:1]),
        edition_published_at=Subquery(latest.values("published_at")[:1]),
        edition_rows=Subquery(latest.values("row_count")[:1]),
    ).order_by("-year")
    may_view = changelist_url(ListEdition, user) is not None
    lines = []
    for annual_list in lists:
        if annual_list.edition_id is None:
            lines.append(Line(localized(annual_list, "title"), _("no edition published yet")))
            continue
        params = {
            "number": annual_list.edition_number,
            "date": date_format(timezone.localtime(annual_list.edition_published_at), "DATE_FORMAT"),
            "rows": annual_list.edition_rows,
        }
        note = ngettext(
            "edition %(number)d, published %(date)s, %(rows)d enterprise",
            "edition %(number)d, published %(date)s, %(rows)d enterprises",
            annual_list.edition_rows,
        ) % params
        url = reverse("admin:enterprises_listedition_change", args=[annual_list.edition_id]) if may_view else ""
        lines.append(Line(localized(annual_list, "title"), note, url))
    return lines
