"""
Writes of enterprises and their list entries. The admin, the import and the API call
these, so the registry's rules (validation, the normalised-name key) hold on every path.
"""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shdt.core.roles import can_edit_record, can_publish

from . import review
from .models import AnnualList, Enterprise, ListMembership, PendingChange


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


def enterprise_create(*, user=None, **fields) -> Enterprise:
    """Create an enterprise after full validation; raise ValidationError naming each bad field."""
    return _save_validated(Enterprise(**fields), user)


@dataclass
class EnterpriseUpdate:
    """What an update did: the enterprise as stored now, and the pending change its edit joined, if it waits for review."""

    enterprise: Enterprise
    pending_change: PendingChange | None = None


@transaction.atomic
def enterprise_update(enterprise: Enterprise, *, user=None, **fields) -> EnterpriseUpdate:
    """
    Change the given fields of an enterprise after full validation: at once, recorded in
    its history as `user`'s; or, when the public sees the enterprise and `user` is no
    reviewer (enterprises.review), as a pending change that a reviewer approves or
    rejects, the stored record keeping its old values meanwhile. The admin, the API and
    (in bulk, pending_changes_propose) the import all write enterprises through this rule.
    """
    if enterprise.pk is not None and not review.may_change_public(user):
        # Locked: a reviewer publishing one of its list entries meanwhile makes it public.
        # The move locks the entries, so this waits for it (or it for this), entries first
        # as the move takes them; `on_public_list` then reads the PublicListing afresh.
        list(ListMembership.objects.select_for_update().filter(enterprise=enterprise.pk).order_by("pk").values_list("pk"))
        stored = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if stored.on_public_list:
            return _enterprise_propose(stored, user=user, fields=fields)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    return EnterpriseUpdate(_save_validated(enterprise, user))


def _enterprise_propose(stored: Enterprise, *, user, fields: dict) -> EnterpriseUpdate:
    # Validated as a direct change would be, on a copy: a bad value is refused now, not
    # when the reviewer approves it; the copy's values are the normalised ones.
    edited = Enterprise.objects.get(pk=stored.pk)
    for name, value in fields.items():
        setattr(edited, name, value)
    edited.full_clean()
    reviewed = [name for name in fields if name in review.REVIEWED_FIELDS]
    others = [name for name in fields if name not in review.REVIEWED_FIELDS]
    if others:
        for name in others:
            setattr(stored, name, getattr(edited, name))
        _save_validated(stored, user)
    proposed = {name: review.encode(name, getattr(edited, name)) for name in reviewed}
    return EnterpriseUpdate(stored, _propose(stored, proposed, user=user))


def _propose(enterprise: Enterprise, proposed: dict, *, user, import_record=None, open_change=None, lookup=True):
    """Merge `proposed` ({field: new value, encoded}) into the enterprise's open pending change, or open one."""
    if lookup:
        open_change = PendingChange.objects.select_for_update().filter(
            enterprise=enterprise, status=PendingChange.Decision.PENDING
        ).first()
    current = review.current_values(enterprise, proposed)
    changes = review.merged(open_change, proposed, current)
    now = timezone.now()
    if open_change is None:
        if not changes:
            return None
        return PendingChange.objects.create(
            enterprise=enterprise, changes=changes, proposed_by=user, proposed_at=now, import_record=import_record
        )
    if not changes:
        # The edit set every field of the open change back to what the record holds.
        open_change.status = PendingChange.Decision.REJECTED
        open_change.decided_by, open_change.decided_at = user, now
        open_change.reason = _("Withdrawn: a later edit set every changed field back to its current value.")
        open_change.save()
        return None
    if changes != open_change.changes:
        open_change.changes = changes
        open_change.proposed_by, open_change.proposed_at = user, now
        open_change.import_record = import_record
        open_change.save()
    return open_change


def pending_changes_propose(proposals: list[tuple[Enterprise, dict]], *, user, import_record=None) -> list[PendingChange]:
    """
    Propose changes to many enterprises at once (an import): each (enterprise, {field:
    new value, encoded}) merged into that enterprise's open change, as enterprise_update
    does for one; the open changes are read in one query.
    """
    if not proposals:
        return []
    open_changes = {
        change.enterprise_id: change
        for change in review.open_changes().select_for_update().filter(
            enterprise_id__in=[enterprise.pk for enterprise, _proposed in proposals]
        )
    }
    written = []
    for enterprise, proposed in proposals:
        change = _propose(
            enterprise, proposed, user=user, import_record=import_record,
            open_change=open_changes.get(enterprise.pk), lookup=False,
        )
        if change is not None:
            written.append(change)
    return written


def _reviewer_only(user) -> None:
    if user is None or not can_publish(user, ListMembership):
        raise PermissionDenied(_("Only a reviewer may approve or reject a change to a public enterprise."))


def _open_change(change: PendingChange) -> PendingChange:
    # Only the change's own row is locked (PostgreSQL locks no nullable side of a join).
    change = PendingChange.objects.select_for_update(of=("self",)).select_related("enterprise", "proposed_by").get(pk=change.pk)
    if not change.is_open:
        raise ValidationError(
            _("This change has already been decided (%(decision)s).") % {"decision": change.get_status_display()}
        )
    return change


@transaction.atomic
def pending_change_approve(change: PendingChange, *, user) -> Enterprise:
    """
    Apply a pending change to its enterprise (reviewers only), recorded in its history
    as the reviewer's, with the proposer named in the reason. Refused, with the fields
    named, if the record has changed since the proposal: approving would overwrite that.
    """
    _reviewer_only(user)
    change = _open_change(change)
    enterprise = Enterprise.objects.select_for_update().get(pk=change.enterprise_id)
    current = review.current_values(enterprise, change.changes)
    stale = [name for name, (old, _new) in change.changes.items() if not review.same(current[name], old)]
    if stale:
        raise ValidationError(
            _(
                "“%(enterprise)s” has changed since this change was proposed (%(fields)s): approving it would "
                "overwrite that. Reject it, and propose the change again if it is still wanted."
            )
            % {"enterprise": enterprise, "fields": "、".join(review.field_label(name) for name in stale)}
        )
    for name, (_old, new) in change.changes.items():
        try:
            setattr(enterprise, name, review.decode(name, new))
        except ValueError as error:
            raise ValidationError(str(error)) from None
    proposer = change.proposed_by.get_username() if change.proposed_by else "—"
    enterprise._change_reason = (
        _("Change %(number)d proposed by %(user)s, approved") % {"number": change.pk, "user": proposer}
    )[:100]
    # Saved by signal-sending save(): the registry renews the data token, so no cache
    # serves the old values after this.
    _save_validated(enterprise, user)
    change.status = PendingChange.Decision.APPROVED
    change.decided_by, change.decided_at = user, timezone.now()
    change.save()
    return enterprise


@transaction.atomic
def pending_change_reject(change: PendingChange, *, user, reason: str) -> PendingChange:
    """Discard a pending change (reviewers only), saying why; the enterprise stays as it is."""
    _reviewer_only(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the change is rejected: the editor reads it.")})
    change = _open_change(change)
    change.status = PendingChange.Decision.REJECTED
    change.decided_by, change.decided_at, change.reason = user, timezone.now(), reason
    change.save()
    return change


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
