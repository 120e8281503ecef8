"""
A new kind of record joins the registry from its own app alone: tests/awards is an app
made by the README's steps (a publishable model, its FilterSet, resource and table, and
three lines in its AppConfig.ready()). Nothing in shdt/, enterprises, bases or policies
names it, yet the caches, the roles, publication, the feed, the history of imports and
the downloads all take it in.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from shdt.core.feed import feed_entries
from shdt.core.models import DataVersion, PublicationEvent, Status
from shdt.core.publication import records_move
from shdt.core.registry import history_models, publishable_models
from shdt.core.roles import EDITOR, REVIEWER, VIEWER
from shdt.core.tables import all_tables, get_table
from tests.awards.models import Award
from tests.publishing import make_reviewer

pytestmark = pytest.mark.django_db


def version_row():
    return list(DataVersion.objects.values())


def test_a_write_to_the_new_kind_renews_the_data_version():
    before = version_row()
    award = Award.objects.create(name="数字贸易创新奖", year=2023)
    after_create = version_row()
    award.delete()
    assert before != after_create != version_row()


def test_the_roles_get_the_new_kinds_permissions_from_its_registration():
    def codenames(role):
        return set(Group.objects.get(name=role).permissions.filter(content_type__app_label="awards").values_list("codename", flat=True))

    assert codenames(EDITOR) == {"add_award", "change_award", "delete_award", "view_award", "view_historicalaward"}
    assert codenames(REVIEWER) == {"publish_award", "view_award", "view_historicalaward"}
    assert codenames(VIEWER) == {"view_award", "view_historicalaward"}


def test_a_reviewer_publishes_it_and_the_feed_names_it():
    assert Award in publishable_models()
    assert Award in history_models()
    draft = Award.objects.create(name="数字贸易创新奖", year=2023)
    Award.objects.create(name="仍是草稿的奖", year=2023)

    moved = records_move(Award.objects.filter(pk=draft.pk), to=Status.PUBLISHED, user=make_reviewer())

    assert moved == 1
    event = PublicationEvent.objects.get(kind="awards.award")
    assert (event.record_id, event.action) == (draft.pk, Status.PUBLISHED)
    entry = next(entry for entry in feed_entries() if "数字贸易创新奖" in entry.title)
    # It has no page of its own: the feed links to the page its model names.
    assert entry.link == reverse("home")
    assert not any("仍是草稿的奖" in entry.title for entry in feed_entries())


def test_its_table_downloads_only_what_the_public_sees():
    assert "awards" in all_tables()
    Award.objects.create(name="已发布的奖", year=2023, status=Status.PUBLISHED)
    Award.objects.create(name="仍是草稿的奖", year=2023)
    table = get_table("awards")

    _filename, chunks = table.export(table.filter({"year": "2023"}), "csv")
    text = b"".join(chunks).decode("utf-8-sig")

    assert "名称" in text.splitlines()[0]
    assert "已发布的奖" in text
    assert "仍是草稿的奖" not in text
