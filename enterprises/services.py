"""
Writes of enterprises and their list entries. The admin, the import and the API call
these, so the registry's rules (validation, the normalised-name key) hold on every path.
"""

from django.db import transaction

from .models import AnnualList, Enterprise, ListMembership


def _save_validated(instance, user=None):
    # Whoever made the change; the history of records reads it (django-simple-history).
    instance._history_user = user
    instance.full_clean()
    instance.save()
    return instance


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
    membership.serial = serial
    if source:
        membership.source = source
    return _save_validated(membership, user)


def list_membership_delete(membership: ListMembership, *, user=None) -> None:
    """Take an enterprise off a year's list; the enterprise and the list stay."""
    membership._history_user = user
    membership.delete()
