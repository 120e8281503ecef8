"""
What is derived from an enterprise's list entries follows them on every single save or
delete (admin, services, API, loaddata, a history revert): its PublicListing. Bulk
writes, which send no signals, call EnterpriseQuerySet.refresh_public_listing themselves.
"""

from django.db.models.signals import post_delete, post_save

from .models import Enterprise, ListMembership


def _refresh_listing(sender, instance, **kwargs):
    Enterprise.objects.filter(pk=instance.enterprise_id).refresh_public_listing()


def connect(app_config) -> None:
    post_save.connect(_refresh_listing, sender=ListMembership, dispatch_uid="membership-refresh-save")
    post_delete.connect(_refresh_listing, sender=ListMembership, dispatch_uid="membership-refresh-delete")
