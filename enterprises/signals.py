"""
An enterprise's public list columns follow its list entries on every single save or
delete (admin, services, loaddata); bulk writes call the refresh themselves.
"""

from django.db.models.signals import post_delete, post_save

from .models import ListMembership


def _refresh(sender, instance, **kwargs):
    from .services import enterprises_refresh_public_listing

    enterprises_refresh_public_listing([instance.enterprise_id])


def connect() -> None:
    post_save.connect(_refresh, sender=ListMembership, dispatch_uid="membership-refresh-save")
    post_delete.connect(_refresh, sender=ListMembership, dispatch_uid="membership-refresh-delete")
