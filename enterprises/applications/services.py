"""
The writes of applications: submitting and correcting (the public form), and each move of
the review (the admin). Views, admin actions and tests call these; each move is saved with
its author, so the application's history holds every one.
"""

import datetime
import hmac
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.imports import EnterpriseIndex
from enterprises.models import AnnualList, ListMembership
from enterprises.services import enterprise_create, enterprise_update, list_membership_set
from shdt.core.imports.matching import find_similar

from . import notifications
from .files import check_count, check_upload
from .models import Application, ApplicationWindow, Attachment, token_digest

Status = Application.Status

# What the applicant fills in, which a correction may change.
APPLICANT_FIELDS = (
    "name", "credit_code", "region", "business_type", "name_en", "website",
    "contact_name", "contact_phone", "contact_email", "trade_volume",
    "profile", "case", "technology_experience", "business_model_innovation", "overseas_markets", "declaration",
)
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")

# The review's moves: from which statuses each may be made.
MOVES = {
    "start_review": (Status.SUBMITTED,),
    "return": (Status.SUBMITTED, Status.UNDER_REVIEW),
    "reject": (Status.SUBMITTED, Status.UNDER_REVIEW),
    "accept": (Status.SUBMITTED, Status.UNDER_REVIEW),
    "withdraw": (Status.SUBMITTED, Status.RETURNED),
}


def _save(application: Application, user=None) -> Application:
    # Whoever made the move; the history reads it (django-simple-history).
    application._history_user = user
    application.full_clean()
    application.save()
    return application


def _check_move(application: Application, move: str) -> None:
    if application.status not in MOVES[move]:
        raise ValidationError(
            _("Application %(receipt)s is %(status)s: it cannot be moved so now.")
            % {"receipt": application.receipt_number, "status": application.get_status_display()}
        )


def _store_files(application: Application, uploads, written: list) -> None:
    """Write the checked uploads; `written` collects each stored name, for removal if the transaction fails."""
    for upload in uploads:
        content_type = check_upload(upload)
        attachment = Attachment(
            application=application, original_name=upload.name[:200], size=upload.size, content_type=content_type
        )
        attachment.file.save(upload.name, upload, save=False)
        written.append(attachment.file.name)
        attachment.save()


def _remove_files(names: list) -> None:
    storage = Attachment._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def _atomic_with_files(work):
    """Run `work(written)` in one transaction; if anything fails, no row is kept and no file either."""
    written: list = []
    try:
        with transaction.atomic():
            return work(written)
    except BaseException:
        _remove_files(written)
        raise


def receipt_number_next(window: ApplicationWindow) -> str:
    """SQ<year>-<6 digits>, counting within the year; the caller holds the window's row lock."""
    prefix = f"SQ{window.year}-"
    last = Application.objects.filter(receipt_number__startswith=prefix).aggregate(last=Max("receipt_number"))["last"]
    number = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{number:06d}"


def application_match(application: Application) -> None:
    """
    Match to a registered enterprise as the import does (enterprises.imports.EnterpriseIndex):
    by credit code, else by the normalised name, else by an alias — a name match whose
    enterprise has another credit code is another legal person, so it is only a candidate.
    Names that sound alike (find_similar) are kept as likely duplicates for the reviewer.
    """
    index = EnterpriseIndex()
    pk, kind = index.by_code.get(application.credit_code), "credit_code"
    if pk is None:
        pk, kind = index.find(application.name)
        if pk is not None and index.codes.get(pk) not in (None, "", application.credit_code):
            pk, kind = None, ""
    application.enterprise_id, application.match_kind = pk, (kind if pk else "")
    similar = find_similar(
        {0: application.name}, index.spellings, new_codes={0: application.credit_code}, codes=index.codes
    ).get(0, [])
    pks = [p for p in dict.fromkeys(similar) if p != pk]
    name_pk, _kind = index.find(application.name)
    if name_pk and name_pk != pk and name_pk not in pks:
        pks.insert(0, name_pk)
    application.candidates = [{"id": p, "name": index.names[p]} for p in pks]


def application_submit(*, window: ApplicationWindow, data: dict, uploads=(), now=None) -> tuple[Application, str]:
    """
    Store a validated application and its attachments in one transaction; return it and
    its private token (shown to the applicant once, stored only as a digest).
    """
    now = now or timezone.now()
    check_count(0, len(uploads))

    def work(written):
        locked = ApplicationWindow.objects.select_for_update().get(pk=window.pk)
        if not locked.is_open(now):
            raise ValidationError(_("Applications for the %(year)s list are closed.") % {"year": locked.year})
        token = secrets.token_urlsafe(32)
        application = Application(window=locked, receipt_number=receipt_number_next(locked), token_hash=token_digest(token))
        for name in APPLICANT_FIELDS:
            setattr(application, name, data[name])
        application_match(application)
        _save(application)
        _store_files(application, uploads, written)
        transaction.on_commit(lambda: notifications.send_receipt(application, token))
        return application, token

    return _atomic_with_files(work)


def application_by_token(token: str) -> Application | None:
    """The application a private link opens, or None: looked up by the token's digest, then compared in constant time."""
    digest = token_digest(token or "")
    application = Application.objects.select_related("window").filter(token_hash=digest, anonymised_at__isnull=True).first()
    if application is None or not hmac.compare_digest(application.token_hash, digest):
        return None
    return application


def application_correct(application: Application, *, data: dict, uploads=(), remove=(), now=None) -> Application:
    """
    The applicant's correction: while the window is open and no reviewer has it; a
    returned one is submitted again. `remove` names attachments (by id) to take off; their
    files go once the correction is committed.
    """

    def work(written):
        locked = Application.objects.select_for_update().select_related("window").get(pk=application.pk)
        if not locked.correctable(now):
            raise ValidationError(_("This application can no longer be corrected."))
        removed = list(locked.attachments.filter(pk__in=list(remove)))
        check_count(locked.attachments.count() - len(removed), len(uploads))
        for name in APPLICANT_FIELDS:
            setattr(locked, name, data[name])
        if locked.status == Status.RETURNED:
            locked.status = Status.SUBMITTED
        application_match(locked)
        _save(locked)
        names = [attachment.file.name for attachment in removed]
        Attachment.objects.filter(pk__in=[attachment.pk for attachment in removed]).delete()
        transaction.on_commit(lambda: _remove_files(names))
        _store_files(locked, uploads, written)
        return locked

    return _atomic_with_files(work)


def application_withdraw(application: Application) -> Application:
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        _check_move(locked, "withdraw")
        locked.status = Status.WITHDRAWN
        return _save(locked)


def _reviewer_move(application: Application, move: str, user, change) -> Application:
    if not user.has_perm("applications.change_application"):
        raise PermissionDenied(_("Only reviewers decide applications."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("window").get(pk=application.pk)
        _check_move(locked, move)
        result = change(locked)
        _save(locked, user)
    return result if result is not None else locked


def application_start_review(application: Application, *, user) -> Application:
    """The reviewer takes the application: assigned to them, under review, no longer correctable."""

    def change(locked):
        locked.status, locked.reviewer = Status.UNDER_REVIEW, user

    return _reviewer_move(application, "start_review", user, change)


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason: the applicant reads it."))
    return reason


def application_return(application: Application, *, user, reason: str) -> Application:
    """Return for correction, with the reason the applicant reads on the private page."""
    reason = _reason_required(reason)

    def change(locked):
        locked.status, locked.reason = Status.RETURNED, reason
        locked.reviewer = locked.reviewer or user
        transaction.on_commit(lambda: notifications.send_returned(locked))

    return _reviewer_move(application, "return", user, change)


def application_reject(application: Application, *, user, reason: str) -> Application:
    reason = _reason_required(reason)

    def change(locked):
        locked.status, locked.reason = Status.REJECTED, reason
        locked.reviewer = locked.reviewer or user
        transaction.on_commit(lambda: notifications.send_decision(locked))

    return _reviewer_move(application, "reject", user, change)


ENTERPRISE_FIELDS = ("name", "credit_code", "region", "business_type", "name_en", "website")


def application_source(application: Application) -> str:
    """The list entry's source: the records are written in Chinese, whatever the reviewer's language."""
    return f"{application.window.year}年名单网上申报 {application.receipt_number}"


def application_accept(application: Application, *, user) -> ListMembership:
    """
    Accept: create the enterprise, or update the matched one with what it lacks, and put
    it on the window's year's list as a DRAFT with the next serial. The existing 公示 →
    published workflow takes it from there.
    """

    def change(locked):
        if locked.enterprise_id is None:
            enterprise = enterprise_create(user=user, **{name: getattr(locked, name) for name in ENTERPRISE_FIELDS})
            locked.enterprise, locked.match_kind = enterprise, "new"
        else:
            enterprise = locked.enterprise
            # The registered spelling stays; blanks are filled, a changed region or type follows the application.
            fields = {"region": locked.region, "business_type": locked.business_type}
            for name in ("credit_code", "name_en", "website"):
                if not getattr(enterprise, name) and getattr(locked, name):
                    fields[name] = getattr(locked, name)
            enterprise = enterprise_update(enterprise, user=user, **fields).enterprise
        year = locked.window.year
        existing = ListMembership.objects.filter(annual_list__year=year, enterprise=enterprise).first()
        if existing is not None:
            membership = existing
        else:
            last = AnnualList.objects.filter(year=year).aggregate(last=Max("memberships__serial"))["last"] or 0
            membership = list_membership_set(
                enterprise=enterprise, year=year, serial=last + 1, user=user, source=application_source(locked)
            )
        locked.status, locked.reason = Status.ACCEPTED, ""
        locked.reviewer = locked.reviewer or user
        transaction.on_commit(lambda: notifications.send_decision(locked))
        return membership

    return _reviewer_move(application, "accept", user, change)


def applications_purge(*, days: int, now=None) -> int:
    """
    Anonymise rejected and withdrawn applications last changed more than `days` ago: their
    contact data (in the history too) and their attachments, files and rows, are removed.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    stale = Application.objects.filter(
        status__in=(Status.REJECTED, Status.WITHDRAWN), updated_at__lt=cutoff, anonymised_at__isnull=True
    )
    count = 0
    for application in stale:
        with transaction.atomic():
            names = [a.file.name for a in application.attachments.all()]
            application.attachments.all().delete()
            blanks = {"contact_name": "", "contact_phone": "", "contact_email": "", "anonymised_at": timezone.now()}
            # update(): no history row of its own, and the old ones are blanked below.
            Application.objects.filter(pk=application.pk).update(**blanks)
            Application.history.filter(id=application.pk).update(contact_name="", contact_phone="", contact_email="")
            transaction.on_commit(lambda names=names: _remove_files(names))
        count += 1
    return count


def same_enterprise_exists() -> Exists:
    """For a queryset of applications: whether another one in its window is for the same enterprise (as same_enterprise)."""
    others = Application.objects.filter(window_id=OuterRef("window_id")).exclude(pk=OuterRef("pk")).exclude(status=Status.WITHDRAWN)
    return Exists(
        others.filter(
            Q(credit_code=OuterRef("credit_code"))
            | Q(name_normalized=OuterRef("name_normalized"))
            | Q(enterprise_id=OuterRef("enterprise_id"), enterprise_id__isnull=False)
        )
    )


def same_enterprise(application: Application) -> list[Application]:
    """The other applications in its window for the same enterprise (matched enterprise, credit code or name)."""
    others = Application.objects.filter(window_id=application.window_id).exclude(pk=application.pk)
    q = Q(credit_code=application.credit_code) | Q(name_normalized=application.name_normalized)
    if application.enterprise_id:
        q |= Q(enterprise_id=application.enterprise_id)
    return list(others.filter(q).exclude(status=Status.WITHDRAWN))

