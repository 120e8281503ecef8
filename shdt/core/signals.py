"""
Keep derived data true on every write path: each save or delete of a registry record
bumps the data version (so caches never serve stale pages). Bulk writes, which send no
signals, call shdt.core.versioning.data_version_bump themselves.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from .versioning import data_version_bump

# The models whose rows the public pages, downloads and API show, and reference data.
REGISTRY_MODELS = [
    "enterprises.Region",
    "enterprises.BusinessType",
    "enterprises.Enterprise",
    "enterprises.AnnualList",
    "enterprises.ListMembership",
    "enterprises.CaseStudy",
    "enterprises.ListEdition",
    "bases.BaseDomain",
    "bases.ExportBase",
    "bases.Recognition",
    "policies.Policy",
    "shdt.Notice",
]


def _bump(sender, **kwargs):
    data_version_bump()


def connect() -> None:
    for label in REGISTRY_MODELS:
        model = apps.get_model(label)
        post_save.connect(_bump, sender=model, dispatch_uid=f"version-save-{label}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"version-delete-{label}")
