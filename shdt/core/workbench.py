"""
The workbench on the admin's index (issue 15): what waits for each staff member, by role.

- 录入员 (editor): their drafts, what a reviewer returned to draft, their imports;
- 审核员 (reviewer): what waits for review, the public notices under way with their end
  dates, those ended whose records are not yet published, the drafts;
- 只读 (viewer): the same counts, and no action;
- 账户管理员 (account administrator): the accounts, by role.

Every count links to the changelist that shows those very records: the conditions here
are the ones the changelists' filters apply (WorkFilter, ImportStageFilter, mine_filter),
so that a count and its list never disagree. The counts are one aggregate per model,
whatever the number of records; a record app adds its own lines (its changes waiting for
review, its lists' editions, its quick actions) through shdt.core.registry's
register_workbench_source, as it adds to the change feed.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count as CountOf
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.lookups import Exact
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from .models import ImportRecord, Notice, PublicationEvent, Status
from .registry import publishable_models, workbench_sources
from .roles import ACCOUNT_ADMIN, EDITOR, REVIEWER, ROLE_LABELS, ROLES, VIEWER, user_role

# The sections, in the order the workbench shows them.
MY_DRAFTS = "my_drafts"
RETURNED = "returned"
REVIEW = "review"
DRAFTS = "drafts"
NOTICES = "notices"
NOTICE_ENDED = "notice_ended"
IMPORTS = "imports"
EDITIONS = "editions"
ACCOUNTS = "accounts"

SECTION_TITLES = {
    MY_DRAFTS: gettext_lazy("My drafts"),
    RETURNED: gettext_lazy("Returned to you"),
    REVIEW: gettext_lazy("Waiting for review"),
    DRAFTS: gettext_lazy("All drafts"),
    NOTICES: gettext_lazy("Public notices under way"),
    NOTICE_ENDED: gettext_lazy("Notice ended, not yet published"),
    IMPORTS: gettext_lazy("Imports"),
    EDITIONS: gettext_lazy("Latest edition of each list"),
    ACCOUNTS: gettext_lazy("Accounts"),
}
SECTIONS = tuple(SECTION_TITLES)

SECTIONS_BY_ROLE = {
    EDITOR: (MY_DRAFTS, RETURNED, IMPORTS, EDITIONS),
    REVIEWER: (REVIEW, NOTICES, NOTICE_ENDED, DRAFTS, EDITIONS),
    VIEWER: (REVIEW, NOTICES, NOTICE_ENDED, DRAFTS, IMPORTS, EDITIONS),
    ACCOUNT_ADMIN: (ACCOUNTS,),
}

# The publishable records' counts: which work filter (WorkFilter's value) each section counts.
RECORD_WORK = {MY_DRAFTS: "mine", RETURNED: "returned", DRAFTS: "draft", NOTICES: "notice_under_way", NOTICE_ENDED: "notice_ended"}

# How many notices under way the workbench names; the rest are on the notices' changelist.
NOTICE_LINES = 20


@dataclass(frozen=True)
class Count:
    """How many records wait, and the changelist that shows exactly them."""

    label: str
    count: int
    url: str


@dataclass(frozen=True)
class Line:
    """A thing named on its own (a notice, an edition), with what to know of it."""

    text: str
    note: str
    url: str = ""


@dataclass(frozen=True)
class Action:
    label: str
    url: str


@dataclass
class Section:
    key: str
    title: str
    counts: list[Count] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


@dataclass
class Workbench:
    role: str | None
    sections: list[Section]
    actions: list[Action]


def workbench_for(user, *, today=None) -> Workbench:
    """The workbench of `user`: their role's sections, each with what waits in it, and their quick actions."""
    today = today or timezone.localdate()
    role = user_role(user)
    wanted = SECTIONS if user.is_superuser else SECTIONS_BY_ROLE.get(role, ())
    sections = {key: Section(key, SECTION_TITLES[key]) for key in wanted}
    actions: list[Action] = []

    for model in publishable_models():
        for key, count in record_counts(model, user, set(wanted), today).items():
            sections[key].counts.append(count)
    if NOTICES in sections:
        sections[NOTICES].lines += notice_lines(user, today)
    if IMPORTS in sections:
        # An editor's own imports are theirs to confirm or mend; others see everyone's.
        sections[IMPORTS].counts += import_counts(user, mine=role == EDITOR and not user.is_superuser)
    if ACCOUNTS in sections:
        sections[ACCOUNTS].counts += account_counts(user)
    if user.has_perm("shdt.add_importrecord"):
        actions.append(Action(_("Import a spreadsheet"), reverse("admin:shdt_importrecord_add")))
    if user.has_perm("auth.add_user"):
        actions.append(Action(_("Add an account"), reverse("admin:auth_user_add")))

    for source in workbench_sources():
        for key, item in source(user, set(wanted), today):
            if isinstance(item, Action):
                actions.append(item)
            elif key in sections:
                target = sections[key].counts if isinstance(item, Count) else sections[key].lines
                target.append(item)

    for section in sections.values():
        section.counts = [count for count in section.counts if count.count]
    return Workbench(role=role, sections=list(sections.values()), actions=actions)


# --- Where the links go --------------------------------------------------------------


def changelist_url(model, user, **params) -> str | None:
    """The admin changelist of `model` with `params` (its filters), or None if `user` may not see it."""
    opts = model._meta
    if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}") and not user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    ):
        return None
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    except NoReverseMatch:
        return None  # A record with no admin pages (e.g. one only imported and shown).
    return f"{url}?{urlencode(params)}" if params else url


def counts_of(model, user, values: dict, labels: dict, params: dict) -> list[Count]:
    """Count objects for the aggregate's `values` that `user` may follow to their changelist."""
    counts = []
    for key, value in values.items():
        url = changelist_url(model, user, **params[key])
        if url is not None:
            counts.append(Count(str(labels[key]), value, url))
    return counts


# --- Publishable records ------------------------------------------------------------

# WorkFilter's parameter on every publishable changelist (shdt.core.publishing_admin).
WORK_PARAMETER = "work"


def last_changed_by(model, user) -> Exact:
    """Whether the record's latest history row is `user`'s (django-simple-history's history_user)."""
    pk = model._meta.pk
    latest = model.history.filter(**{pk.attname: OuterRef("pk")}).order_by("-history_date", "-history_id")
    return Exact(Subquery(latest.values("history_user_id")[:1]), user.pk)


def record_conditions(model, user, today) -> dict:
    """
    The work filters of a publishable model (WorkFilter's values) as conditions on its
    records: the workbench counts them and the changelist filters by them.
    """
    returned = PublicationEvent.objects.filter(
        kind=model._meta.label_lower, record_id=OuterRef("pk"), action=Status.DRAFT
    )
    conditions = {
        "draft": Q(status=Status.DRAFT),
        # A reviewer's return to draft is logged as a publication event: a draft with one
        # was public and is back for an editor to mend.
        "returned": Q(status=Status.DRAFT) & Q(Exists(returned)),
        "notice_under_way": Q(status=Status.NOTICE, notice__ends_on__gte=today),
        "notice_ended": Q(status=Status.NOTICE, notice__ends_on__lt=today),
    }
    if hasattr(model, "history"):
        conditions["mine"] = Q(status=Status.DRAFT) & Q(last_changed_by(model, user))
    return conditions


# WorkFilter's choices; drafts as such are the status filter's.
WORK_LABELS = {
    "mine": gettext_lazy("my drafts"),
    "returned": gettext_lazy("returned to draft"),
    "notice_under_way": gettext_lazy("under a notice under way"),
    "notice_ended": gettext_lazy("notice ended, not yet published"),
}


def record_counts(model, user, sections: set, today) -> dict[str, Count]:
    """The counts of one publishable model for the wanted sections: one aggregate."""
    conditions = record_conditions(model, user, today)
    wanted = {key: RECORD_WORK[key] for key in sections if key in RECORD_WORK and RECORD_WORK[key] in conditions}
    if not wanted or changelist_url(model, user) is None:
        return {}
    values = model._default_manager.aggregate(
        **{key: CountOf("pk", filter=conditions[work]) for key, work in wanted.items()}
    )
    label = str(model._meta.verbose_name_plural).capitalize()
    counts = {}
    for key, work in wanted.items():
        # Drafts by the status filter every publishable changelist has; the rest by WorkFilter.
        params = {"status__exact": Status.DRAFT} if work == "draft" else {WORK_PARAMETER: work}
        counts[key] = Count(label, values[key], changelist_url(model, user, **params))
    return counts


# --- Notices -----------------------------------------------------------------------


def notice_lines(user, today) -> list[Line]:
    """The public notices under way (started, not ended), the first to end first."""
    notices = Notice.objects.filter(starts_on__lte=today, ends_on__gte=today).order_by("ends_on", "pk")
    may_view = user.has_perm("shdt.view_notice") or user.has_perm("shdt.change_notice")
    lines = []
    for notice in notices[:NOTICE_LINES]:
        days = (notice.ends_on - today).days
        end = date_format(notice.ends_on, "DATE_FORMAT")
        if days == 0:
            note = _("ends today (%(date)s)") % {"date": end}
        else:
            note = ngettext("ends on %(date)s, in %(days)d day", "ends on %(date)s, in %(days)d days", days) % {
                "date": end,
                "days": days,
            }
        url = reverse("admin:shdt_notice_change", args=[notice.pk]) if may_view else ""
        lines.append(Line(notice.title, note, url))
    return lines


# --- Imports -----------------------------------------------------------------------

STAGE_PARAMETER = "stage"
MINE_PARAMETER = "by"
MINE = "me"

IMPORT_STAGES = {
    "in_progress": gettext_lazy("in progress"),
    "to_confirm": gettext_lazy("checked, waiting to be confirmed"),
    "duplicates": gettext_lazy("waiting for a decision on likely duplicates"),
    "failed": gettext_lazy("not imported"),
}


def import_conditions() -> dict:
    """The stages of an import (ImportStageFilter's values) as conditions on ImportRecord."""
    Stage = ImportRecord.Status
    # The file is kept after a failed check only while likely duplicates wait for a
    # decision (shdt.core.imports.runner); with errors besides, the import cannot go on.
    duplicates = Q(status=Stage.FAILED, errors=[], file_content__isnull=False)
    return {
        "in_progress": Q(status__in=ImportRecord.BUSY),
        "to_confirm": Q(status=Stage.PREVIEWED),
        "duplicates": duplicates,
        "failed": Q(status=Stage.FAILED) & ~duplicates,
    }


def import_counts(user, *, mine: bool) -> list[Count]:
    conditions = import_conditions()
    records = ImportRecord.objects.filter(user=user) if mine else ImportRecord.objects.all()
    values = records.aggregate(**{key: CountOf("pk", filter=condition) for key, condition in conditions.items()})
    params = {key: {STAGE_PARAMETER: key, **({MINE_PARAMETER: MINE} if mine else {})} for key in conditions}
    return counts_of(ImportRecord, user, values, IMPORT_STAGES, params)


# --- Accounts ----------------------------------------------------------------------

# The user changelist's filters (shdt.core.accounts_admin.RoleFilter, and is_active's).
ROLE_PARAMETER = "role"
NO_ROLE = "none"


def account_counts(user) -> list[Count]:
    """The active accounts of each role, those with none, and the deactivated: one aggregate."""
    User = get_user_model()
    in_group = User.groups.through.objects.filter(user=OuterRef("pk"))
    conditions = {role: Q(Exists(in_group.filter(group__name=role)), is_active=True) for role in ROLES}
    conditions[NO_ROLE] = Q(~Exists(in_group.filter(group__name__in=ROLES)), is_active=True)
    conditions["inactive"] = Q(is_active=False)
    # Aggregated under plain aliases: a role's name (录入员) is no SQL column alias.
    aliases = {key: f"count_{index}" for index, key in enumerate(conditions)}
    aggregated = User.objects.aggregate(**{aliases[key]: CountOf("pk", filter=condition) for key, condition in conditions.items()})
    values = {key: aggregated[alias] for key, alias in aliases.items()}
    labels = {**ROLE_LABELS, NO_ROLE: gettext_lazy("active, without a role"), "inactive": gettext_lazy("deactivated")}
    params = {role: {ROLE_PARAMETER: role, "is_active__exact": "1"} for role in ROLES}
    params[NO_ROLE] = {ROLE_PARAMETER: NO_ROLE, "is_active__exact": "1"}
    params["inactive"] = {"is_active__exact": "0"}
    return counts_of(User, user, values, labels, params)
