"""
What is derived from an enterprise's records follows them on every single save or delete
(admin, services, API, loaddata, a history revert): its public list columns follow its
list entries, and its stored API document (enterprises.api.documents) follows the
enterprise, its list entries and case studies, and the notices and lists' years they
show. Bulk writes, which send no signals, call the refreshes themselves.
"""

from django.db.models.signals import post_delete, post_migrate, post_save, pre_save

from shdt.core.models import Notice

from .models import AnnualList, CaseStudy, Enterprise, ListMembership


def _refresh_listing(sender, instance, **kwargs):
    Enterprise.objects.filter(pk=instance.enterprise_id).refresh_public_listing()


def _refresh_documents(enterprise_ids) -> None:
    from .api.documents import enterprise_documents_refresh

    enterprise_documents_refresh(enterprise_ids)


def _enterprise_saved(sender, instance, **kwargs):
    _refresh_documents([instance.pk])


def _case_study_saving(sender, instance, raw=False, **kwargs):
    # A case study moved to another enterprise leaves the first one's document too.
    instance._stored_enterprise_id = (
        CaseStudy.objects.filter(pk=instance.pk).values_list("enterprise_id", flat=True).first()
        if instance.pk is not None
        else None
    )


def _case_study_changed(sender, instance, **kwargs):
    stored = getattr(instance, "_stored_enterprise_id", None)
    _refresh_documents({instance.enterprise_id, stored} - {None})


def _notice_saved(sender, instance, created=False, **kwargs):
    # Every entry under the notice shows its title, period and contact.
    if not created:
        _refresh_documents(ListMembership.objects.filter(notice=instance).values_list("enterprise_id", flat=True))


def _annual_list_saving(sender, instance, **kwargs):
    instance._stored_year = (
        AnnualList.objects.filter(pk=instance.pk).values_list("year", flat=True).first() if instance.pk else None
    )


def _annual_list_saved(sender, instance, created=False, **kwargs):
    # The entries show the list's year; its title and other fields are not in the documents.
    if not created and getattr(instance, "_stored_year", instance.year) != instance.year:
        _refresh_documents(instance.memberships.values_list("enterprise_id", flat=True))


def _fill_documents(sender, apps=None, **kwargs):
    # After the migration that makes the table, or one that empties it to change the
    # documents' form. `flush` sends the signal too, without `apps`: nothing to fill then.
    if apps is None:
        return
    try:
        apps.get_model("enterprises", "EnterpriseDocument")
    except LookupError:  # migrated back to before the table
        return
    from .api.documents import enterprise_documents_fill

    enterprise_documents_fill()


def connect(app_config) -> None:
    post_save.connect(_refresh_listing, sender=ListMembership, dispatch_uid="membership-refresh-save")
    post_delete.connect(_refresh_listing, sender=ListMembership, dispatch_uid="membership-refresh-delete")
    post_save.connect(_enterprise_saved, sender=Enterprise, dispatch_uid="enterprise-document-save")
    pre_save.connect(_case_study_saving, sender=CaseStudy, dispatch_uid="case-study-document-before")
    post_save.connect(_case_study_changed, sender=CaseStudy, dispatch_uid="case-study-document-save")
    post_delete.connect(_case_study_changed, sender=CaseStudy, dispatch_uid="case-study-document-delete")
    post_save.connect(_notice_saved, sender=Notice, dispatch_uid="notice-document-save")
    pre_save.connect(_annual_list_saving, sender=AnnualList, dispatch_uid="annual-list-document-before")
    post_save.connect(_annual_list_saved, sender=AnnualList, dispatch_uid="annual-list-document-save")
    post_migrate.connect(_fill_documents, sender=app_config, dispatch_uid="enterprise-documents-fill")
