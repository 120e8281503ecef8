"""Helpers of the API tests: accounts with the permissions a staff script would hold."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token

# What the API lets staff write, by model; a test user gets all of it unless told otherwise.
WRITE_PERMISSIONS = [
    "enterprises.add_enterprise",
    "enterprises.change_enterprise",
    "enterprises.add_listmembership",
    "enterprises.change_listmembership",
    "enterprises.delete_listmembership",
]


def staff_user(username="editor", *, permissions=WRITE_PERMISSIONS, is_staff=True):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw-for-tests-only")
    user.is_staff = is_staff
    user.save()
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def token_headers(user) -> dict:
    token, _ = Token.objects.get_or_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Token {token.key}"}
