"""
The admin side of publication: what each role sees and may do with records that have a
publication status. Editors (录入员) keep drafts; reviewers (审核员) move records between
states with the actions here; viewers (只读) read. Every move goes through
shdt.core.publication, which checks the permission again and records the move.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Notice, Status
from .publication import ConcurrentMove, notice_open, publication_job_create, records_move
from .roles import can_edit_record, can_publish
from .workbench import WORK_LABELS, WORK_PARAMETER, record_conditions


class NoticeForm(forms.Form):
    """The period and the contact of a public notice (公示)."""

    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    starts_on = forms.DateField(label=gettext_lazy("notice starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=gettext_lazy("notice ends"), widget=forms.DateInput(attrs={"type": "date"}))
    contact = forms.CharField(label=gettext_lazy("contact for objections"), max_length=300)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError(_("A notice cannot end before it starts."))
        return data


def in_background(queryset) -> bool:
    """Whether a move of these records is more than a web request should wait for."""
    return queryset.count() > settings.PUBLICATION_BACKGROUND_ROWS


def _move_in_background(modeladmin, request, queryset, to: Status, notice: Notice | None = None):
    """Queue the move for the background worker and send the reviewer to its progress page."""
    from .tasks import publication_job_to_worker

    job = publication_job_create(queryset, to=to, user=request.user, notice=notice)
    publication_job_to_worker(job)
    modeladmin.message_user(
        request,
        _("%(count)d record(s) will be %(status)s by the background worker; this page follows it.")
        % {"count": job.rows_total, "status": Status(to).label},
        messages.INFO,
    )
    return HttpResponseRedirect(job.get_absolute_url())


def _move(modeladmin, request, queryset, to: Status):
    if can_publish(request.user, queryset.model) and in_background(queryset):
        return _move_in_background(modeladmin, request, queryset, to)
    try:
        moved = records_move(queryset, to=to, user=request.user)
    except (PermissionDenied, ConcurrentMove) as error:
        modeladmin.message_user(request, str(error), messages.ERROR)
        return
    skipped = queryset.count() - moved
    modeladmin.message_user(
        request,
        _("%(moved)d record(s) now %(status)s; %(skipped)d left as they were (not in a state that allows it).")
        % {"moved": moved, "status": Status(to).label, "skipped": skipped},
        messages.SUCCESS if moved else messages.WARNING,
    )


@admin.action(description=gettext_lazy("Put under public notice (公示)…"))
def open_notice(modeladmin, request, queryset):
    if not can_publish(request.user, queryset.model):
        raise PermissionDenied
    form = NoticeForm(request.POST if "apply" in request.POST else None, initial={"starts_on": timezone.localdate()})
    if form.is_valid() and in_background(queryset):
        with transaction.atomic():
            notice = Notice(created_by=request.user, **form.cleaned_data)
            notice.full_clean()
            notice.save()
            return _move_in_background(modeladmin, request, queryset, Status.NOTICE, notice)
    if form.is_valid():
        notice, moved = notice_open(queryset, user=request.user, **form.cleaned_data)
        modeladmin.message_user(
            request,
            _("%(moved)d record(s) under public notice until %(end)s.") % {"moved": moved, "end": notice.ends_on},
            messages.SUCCESS,
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Put under public notice"),
        "form": form,
        "queryset": queryset,
        "opts": modeladmin.model._meta,
        "action": "open_notice",
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/shdt/notice_form.html", context)


@admin.action(description=gettext_lazy("Publish"))
def publish(modeladmin, request, queryset):
    return _move(modeladmin, request, queryset, Status.PUBLISHED)


@admin.action(description=gettext_lazy("Withdraw from the public"))
def withdraw(modeladmin, request, queryset):
    return _move(modeladmin, request, queryset, Status.WITHDRAWN)


@admin.action(description=gettext_lazy("Return to draft (so that an editor may change it)"))
def return_to_draft(modeladmin, request, queryset):
    return _move(modeladmin, request, queryset, Status.DRAFT)


PUBLICATION_ACTIONS = [open_notice, publish, withdraw, return_to_draft]


class WorkFilter(admin.SimpleListFilter):
    """
    The records of a step of the work, as the admin index's workbench counts them
    (shdt.core.workbench): my drafts, returned to draft, under a notice under way or
    ended. The workbench's counts link here.
    """

    title = gettext_lazy("workbench")
    parameter_name = WORK_PARAMETER

    def lookups(self, request, model_admin):
        conditions = record_conditions(model_admin.model, request.user, timezone.localdate())
        return [(work, label) for work, label in WORK_LABELS.items() if work in conditions]

    def queryset(self, request, queryset):
        conditions = record_conditions(queryset.model, request.user, timezone.localdate())
        if self.value() in conditions:
            return queryset.filter(conditions[self.value()])
        return queryset


class PublishableAdminMixin:
    """
    For the ModelAdmin of a record with a publication status: shows the status, offers
    the reviewer's actions only to reviewers, and keeps a public record read-only (and
    undeletable) until a reviewer returns it to draft.
    """

    publication_fields = ["status", "notice", "published_at"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if can_publish(request.user, self.model):
            for action in PUBLICATION_ACTIONS:
                actions[action.__name__] = self.get_action(action)
        return actions

    def get_list_display(self, request):
        return [*super().get_list_display(request), "status"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), "status", WorkFilter]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.publication_fields]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_record(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_edit_record(request.user, obj))

    def delete_queryset(self, request, queryset):
        # The bulk delete action: public records are withdrawn by a reviewer, not deleted.
        if not request.user.is_superuser and queryset.filter(status__in=[Status.NOTICE, Status.PUBLISHED]).exists():
            raise PermissionDenied(_("Public records are withdrawn by a reviewer, not deleted."))
        super().delete_queryset(request, queryset)


class PublicRowsInlineFormSet(BaseInlineFormSet):
    """An inline whose public rows stay as they are until a reviewer returns them to draft."""

    def clean(self):
        super().clean()
        user = getattr(self, "request_user", None)
        for form in self.forms:
            instance = form.instance
            if instance.pk is None or user is None or can_edit_record(user, instance):
                continue
            if form.has_changed() or self._should_delete_form(form):
                form.add_error(
                    None,
                    _("“%(record)s” is public (%(status)s): a reviewer must return it to draft before it is changed.")
                    % {"record": instance, "status": instance.get_status_display()},
                )


class PublicRowsInlineMixin:
    """For an inline of publishable rows: shows their status and guards the public ones."""

    formset = PublicRowsInlineFormSet

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "status"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user
        return formset


class PartOfPublishableInlineMixin:
    """For an inline that is part of a publishable record (a base's recognitions): editable while the record is."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or can_edit_record(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or can_edit_record(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or can_edit_record(request.user, obj))
