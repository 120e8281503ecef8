"""
What of an enterprise waits for review, and how a pending change is written down.

An enterprise is public while it is on a list entry under public notice or published
(its PublicListing, derived from the entries). Its own fields are not
publishable records of their own, so they follow that rule: an editor's change to a
public enterprise waits for a reviewer (enterprises.services.enterprise_update writes it
as a PendingChange); reviewers and superusers change it at once. The writes live in
enterprises.services; this module only decides and encodes, so that the admin, the API
and the import share one rule without importing each other.
"""

from django.db import models
from django.utils.translation import gettext as _

from shdt.core.roles import can_publish
from shdt.reference.models import Region

from .models import BusinessType, Enterprise, ListMembership, PendingChange

# Every field of its own that the public sees on the profile, the list, the API and the
# downloads: the seven the review is for, and the source the profile cites (a public
# text like the others, so it is not changed behind the reviewer's back either).
REVIEWED_FIELDS = ("name", "name_en", "aliases", "business_type", "region", "credit_code", "website", "source")
# Reference data is named by its code in a pending change, as files and the API name it.
CODED_FIELDS = {"business_type": BusinessType, "region": Region}


def may_change_public(user) -> bool:
    """
    Whether `user` changes a public enterprise at once: a reviewer (who may publish list
    entries, through which an enterprise is public), a superuser, or no user at all (the
    command line and data migrations, as for imports).
    """
    return user is None or can_publish(user, ListMembership)


def encode(name: str, value):
    """A field's value as a pending change keeps it (JSON): text, a code, or None."""
    if name in CODED_FIELDS:
        return getattr(value, "code", value)
    if value is None:
        return None
    return str(value)


def decode(name: str, value):
    """The value to set on the enterprise for a value a pending change keeps; ValueError if it names nothing now."""
    model = CODED_FIELDS.get(name)
    if model is None:
        return value
    found = model.objects.filter(code=value).first()
    if found is None:
        raise ValueError(_("“%(code)s” is no longer a %(kind)s code.") % {"code": value, "kind": model._meta.verbose_name})
    return found


def current_values(enterprise: Enterprise, fields=REVIEWED_FIELDS) -> dict:
    """The enterprise's values of `fields`, encoded."""
    return {name: encode(name, getattr(enterprise, name)) for name in fields}


def same(old, new) -> bool:
    # A blank and an absent value (credit code NULL, website "") are the same to the public.
    if old in (None, "") and new in (None, ""):
        return True
    return old == new


def differences(stored: Enterprise, edited: Enterprise, fields=REVIEWED_FIELDS) -> dict:
    """{field: [old, new]} of the `fields` that differ between the stored record and an edited copy."""
    old, new = current_values(stored, fields), current_values(edited, fields)
    return {name: [old[name], new[name]] for name in fields if not same(old[name], new[name])}


def merged(open_change: PendingChange | None, edited: dict, current: dict) -> dict:
    """
    The changes ({field: [old, new]}) an open pending change holds once a new edit is
    merged into it: `edited` holds the new values (encoded) of the fields the edit gave,
    `current` the record's values now. The edit's values replace the open ones field by
    field, with the current value as the old one; a field the edit sets to its current
    value leaves the change; fields the edit does not give stay as they were.
    """
    changes = dict(open_change.changes) if open_change is not None else {}
    for name, new in edited.items():
        if same(current[name], new):
            changes.pop(name, None)
        else:
            changes[name] = [current[name], new]
    return changes


def field_label(name: str) -> str:
    return str(Enterprise._meta.get_field(name).verbose_name)


def describe(changes: dict) -> list[tuple[str, str, str]]:
    """(label, old, new) of each change, as the admin and messages show them."""
    return [(field_label(name), "" if old is None else str(old), "" if new is None else str(new)) for name, (old, new) in changes.items()]


def open_changes() -> models.QuerySet:
    return PendingChange.objects.filter(status=PendingChange.Decision.PENDING)
