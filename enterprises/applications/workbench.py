"""
What applications add to the admin index's workbench (shdt.core.workbench; registered in
ApplicationsConfig.ready): for whoever reviews them, the applications waiting for a
reviewer and those under review assigned to them.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from shdt.core.workbench import REVIEW, Count, changelist_url

from .models import Application

Status = Application.Status


def workbench_entries(user, sections: set, today) -> list[tuple]:
    if REVIEW not in sections or not user.has_perm("applications.change_application"):
        return []
    values = Application.objects.aggregate(
        waiting=models.Count("pk", filter=Q(status=Status.SUBMITTED)),
        mine=models.Count("pk", filter=Q(status=Status.UNDER_REVIEW, reviewer=user)),
    )
    return [
        (REVIEW, Count(_("Applications waiting for a reviewer"), values["waiting"], changelist_url(Application, user, status__exact=Status.SUBMITTED))),
        (
            REVIEW,
            Count(
                _("Applications under review, assigned to me"),
                values["mine"],
                changelist_url(Application, user, status__exact=Status.UNDER_REVIEW, reviewer__id__exact=user.pk),
            ),
        ),
    ]
