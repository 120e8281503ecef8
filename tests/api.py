"""Helpers of the API tests: all the rows of an answer or a download, and staff accounts."""

import csv
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.http import QueryDict
from rest_framework.authtoken.models import Token

from shdt.core.tables import get_table

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


def api_rows(client, query: str, url: str) -> list[dict]:
    """Every row of the API's answer to `query`, page after page."""
    params = QueryDict(query, mutable=True)
    params["page_size"] = "100"
    rows, page = [], 1
    while True:
        params["page"] = str(page)
        response = client.get(f"{url}?{params.urlencode()}")
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        if body["next"] is None:
            assert body["count"] == len(rows)
            return rows
        page += 1


def csv_rows(table_name: str, query: str) -> list[dict]:
    table = get_table(table_name)
    _, chunks = table.export(table.filter(QueryDict(query)), "csv")
    return list(csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
