"""
Publication: what the public sees, and who decides it.

A reviewer moves records between the states of shdt.core.models.Status: puts drafts under
public notice (公示), publishes, withdraws, or returns a record to draft so that an
editor may change it. Every move is checked against the reviewer's permission, written
with its history, logged as a PublicationEvent (the Atom feed), and counted in the data
version (so that no cached page shows the old state).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from .models import Notice, PublicationEvent, Status
from .roles import can_publish
from .versioning import data_version_bump

# Which states each move starts from.
MOVES = {
    Status.NOTICE: (Status.DRAFT, Status.WITHDRAWN),
    Status.PUBLISHED: (Status.DRAFT, Status.NOTICE, Status.WITHDRAWN),
    Status.WITHDRAWN: (Status.NOTICE, Status.PUBLISHED),
    Status.DRAFT: (Status.NOTICE, Status.PUBLISHED, Status.WITHDRAWN),
}


@transaction.atomic
def records_move(queryset, *, to: Status, user, notice: Notice | None = None) -> int:
    """
    Move the records of `queryset` that may make the move to the status `to`; return
    how many moved. Records already there, or in a state the move does not start from,
    are left as they are.
    """
    model = queryset.model
    if not can_publish(user, model):
        raise PermissionDenied(_("Only a reviewer may change what the public sees."))
    if to == Status.NOTICE and notice is None:
        raise ValidationError(_("A public notice needs its period and a contact for objections."))
    now = timezone.now()
    records = list(queryset.select_for_update().filter(status__in=MOVES[to]))
    for record in records:
        record.status = to
        if to == Status.NOTICE:
            record.notice = notice
        if to == Status.PUBLISHED:
            record.published_at = now
    if not records:
        return 0
    bulk_update_with_history(records, model, ["status", "notice", "published_at"], default_user=user)
    PublicationEvent.objects.bulk_create(
        PublicationEvent(action=to, kind=model._meta.label_lower, record_id=r.pk, title=_event_title(r), url=_url(r), user=user)
        for r in records
    )
    after_publication_change(model, records)
    data_version_bump()
    return len(records)


def notice_open(queryset, *, user, title: str, starts_on, ends_on, contact: str) -> tuple[Notice, int]:
    """Put the records under a new public notice (公示) with its period and contact."""
    notice = Notice(title=title, starts_on=starts_on, ends_on=ends_on, contact=contact, created_by=user)
    notice.full_clean()
    with transaction.atomic():
        notice.save()
        moved = records_move(queryset, to=Status.NOTICE, user=user, notice=notice)
    return notice, moved


def after_publication_change(model, records) -> None:
    """
    Keep what depends on the records' states true: the enterprises' public list columns.
    """
    if model._meta.label_lower == "enterprises.listmembership":
        from enterprises.services import enterprises_refresh_public_listing

        enterprises_refresh_public_listing([record.enterprise_id for record in records])


def _event_title(record) -> str:
    return str(getattr(record, "title", None) or record)[:300]


def _url(record) -> str:
    target = getattr(record, "enterprise", None) or record
    return target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
