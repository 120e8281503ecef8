"""
Writes of enterprises and their list entries. The admin, the import and the API call
these, so the registry's rules (validation, the normalised-name key) hold on every path.
"""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from shdt.core.models import PUBLIC_STATUSES
from shdt.core.roles import can_edit_record

from .models import AnnualList, Enterprise, ListMembership


def _save_validated(instance, user=None):
    # Whoever made the change; the history of records reads it (django-simple-history).
    instance._history_user = user
    instance.full_clean()
    instance.save()
    return instance


def refuse_public_change(instance, user) -> None:
    """Refuse to change or delete a record the public sees: a reviewer returns it to draft first."""
    if instance.pk is None or user is None:
        return
    stored = type(instance).objects.filter(pk=instance.pk).first()
    if stored is not None and not can_edit_record(user, stored):
        raise PermissionDenied(
            _("“%(record)s” is public (%(status)s): a reviewer must return it to draft before it is changed.")
            % {"record": stored, "status": stored.get_status_display()}
        )


def enterprises_refresh_public_listing(enterprise_ids) -> None:
    """
    Recompute the enterprises' public list columns (public_list_year, public_serial,
    public_status) from their list entries the public sees. Call it after any write to
    list entries that sends no signal (bulk writes); single saves do it by signal.
    """
    enterprise_ids = list(enterprise_ids)
    if not enterprise_ids:
        return
    latest = ListMembership.objects.filter(enterprise=OuterRef("pk"), status__in=PUBLIC_STATUSES).order_by(
        "-annual_list__year"
    )
    Enterprise.objects.filter(pk__in=enterprise_ids).update(
        public_list_year=Subquery(latest.values("annual_list__year")[:1]),
        public_serial=Subquery(latest.values("serial")[:1]),
        public_status=Coalesce(Subquery(latest.values("status")[:1]), Value("")),
    )


def enterprise_create(*, user=None, **fields) -> Enterprise:
    """Create an enterprise after full validation; raise ValidationError naming each bad field."""
    return _save_validated(Enterprise(**fields), user)


def enterprise_update(enterprise: Enterprise, *, user=None, **fields) -> Enterprise:
    """Change the given fields of an enterprise after full validation."""
    for name, value in fields.items():
        setattr(enterprise, name, value)
    return _save_validated(enterprise, user)


@transaction.atomic
def list_membership_set(*, enterprise: Enterprise, year: int, serial: int, user=None, source: str = "") -> ListMembership:
    """Put an enterprise on a year's list with a serial (creating the list if it is new), or move its serial."""
    annual_list = AnnualList.objects.filter(year=year).first()
    if annual_list is None:
        # A new list is validated like any record: a year out of range is refused, not stored.
        annual_list = _save_validated(AnnualList(year=year, title=f"{year}年上海数字贸易创新企业", source=source), user)
    membership = ListMembership.objects.filter(annual_list=annual_list, enterprise=enterprise).first()
    if membership is None:
        membership = ListMembership(annual_list=annual_list, enterprise=enterprise)
    elif membership.serial == serial and (not source or source == membership.source):
        return membership
    refuse_public_change(membership, user)
    membership.serial = serial
    if source:
        membership.source = source
    return _save_validated(membership, user)


def list_membership_delete(membership: ListMembership, *, user=None) -> None:
    """Take an enterprise off a year's list; the enterprise and the list stay."""
    refuse_public_change(membership, user)
    membership._history_user = user
    membership.delete()


@transaction.atomic
def annual_list_publish(annual_list: AnnualList, *, user, note: str = "") -> "ListEdition":
    """
    Publish a year's list: its entries under public notice become published, and an
    edition is frozen from what the public then sees of the list, as CSV, XLSX and JSON
    with the SHA-256 of each, never to change again.
    """
    from shdt.core.models import Status
    from shdt.core.publication import records_move

    from .models import ListEdition
    from .tables import ENTERPRISES

    records_move(annual_list.memberships.filter(status=Status.NOTICE), to=Status.PUBLISHED, user=user)
    files = {}
    filterset = ENTERPRISES.filter({"list": str(annual_list.year)})
    row_count = filterset.qs.count()
    if not row_count:
        raise ValidationError(_("The %(year)d list has no entry under public notice or published.") % {"year": annual_list.year})
    for extension in ("csv", "xlsx", "json"):
        # Not `_`: that is gettext here, and assigning it would make the message above fail.
        _filename, chunks = ENTERPRISES.export(filterset, extension)
        files[extension] = b"".join(chunks)
    number = (annual_list.editions.aggregate(top=models.Max("number"))["top"] or 0) + 1
    return ListEdition.objects.create(
        annual_list=annual_list,
        number=number,
        published_at=timezone.now(),
        published_by=user,
        row_count=row_count,
        note=note,
        **{f"{extension}_file": content for extension, content in files.items()},
        **{f"{extension}_sha256": hashlib.sha256(content).hexdigest() for extension, content in files.items()},
    )
