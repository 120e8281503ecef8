"""List editions: frozen when published, and what changed from one to the next (enterprises/editions.py)."""

import hashlib
import json

import pytest

from enterprises.editions import edition_changes, edition_rows, permalink_key
from enterprises.models import AnnualList, Enterprise, ListEdition
from shdt.reference.models import Region
from enterprises.services import annual_list_publish, enterprise_update
from shdt.core.models import Status
from tests.publishing import ADDED, NAMES, NEW_NAME, make_reviewer, move, open_notice, publish_two_editions

pytestmark = pytest.mark.django_db

@pytest.fixture
def two_editions():
    return publish_two_editions()


def test_the_changes_between_two_editions_are_exactly_what_happened(two_editions):
    first, second, enterprises = two_editions
    changes = edition_changes(first, second)
    assert [row.name for row in changes.added] == [ADDED]
    assert [row.name for row in changes.removed] == [NAMES["to_draft"], NAMES["withdrawn"]]
    assert [(c.before, c.after) for c in changes.renamed] == [(NAMES["renamed"], NEW_NAME)]
    assert [(c.row.name, c.before, c.after) for c in changes.moved_region] == [(NAMES["moved_region"], "浦东", "徐汇")]
    assert [(c.row.name, c.before, c.after) for c in changes.moved_type] == [(NAMES["moved_type"], "数字服务", "云服务")]
    # The renamed enterprise is matched by its permalink: the same row, not one removed and one added.
    assert changes.renamed[0].row.path == enterprises["renamed"].get_absolute_url()
    assert (first.row_count, second.row_count) == (6, 5)


def test_an_edition_compared_with_itself_has_no_changes(two_editions):
    first, _, _ = two_editions
    assert not edition_changes(first, first)


def test_rows_are_matched_by_the_permalinks_path_whatever_the_host(two_editions, settings):
    # An edition made after the site moved to its public address still matches the earlier ones.
    first, _, _ = two_editions
    settings.SITE_URL = "https://shdt.example.cn"
    annual_list = first.annual_list
    moved_host = annual_list_publish(annual_list, user=make_reviewer("reviewer2"))
    assert json.loads(moved_host.file("json"))[0]["永久链接"].startswith("https://shdt.example.cn/enterprises/")
    changes = edition_changes(ListEdition.objects.get(annual_list=annual_list, number=2), moved_host)
    assert not changes
    assert permalink_key("http://127.0.0.1:8000/enterprises/abc/") == permalink_key("https://shdt.example.cn/enterprises/abc/")


def test_an_edition_does_not_change_when_the_live_records_do(report):
    reviewer = make_reviewer()
    edition = annual_list_publish(AnnualList.objects.get(year=2022), user=reviewer)
    frozen = {fmt: (edition.file(fmt), edition.sha256(fmt)) for fmt in ("csv", "xlsx", "json")}
    first_row = json.loads(edition.file("json"))[0]
    enterprise = Enterprise.objects.get(name=first_row["企业名称"])

    move(enterprise.memberships.get(annual_list__year=2022), Status.DRAFT, reviewer)
    enterprise_update(enterprise, name="上海改名以后有限公司", region=Region.objects.get(code="lingang"))
    open_notice(enterprise.memberships.all(), reviewer)

    stored = ListEdition.objects.get(pk=edition.pk)
    for fmt, (content, checksum) in frozen.items():
        assert stored.file(fmt) == content
        assert stored.sha256(fmt) == checksum == hashlib.sha256(content).hexdigest()
    assert edition_rows(stored)[permalink_key(first_row["永久链接"])].name == first_row["企业名称"]
    # The live list has moved on: a new edition would say so.
    newer = annual_list_publish(AnnualList.objects.get(year=2022), user=reviewer)
    assert [(c.before, c.after) for c in edition_changes(stored, newer).renamed] == [(first_row["企业名称"], "上海改名以后有限公司")]


def test_an_edition_refuses_to_be_saved_again(report):
    edition = annual_list_publish(AnnualList.objects.get(year=2022), user=make_reviewer())
    edition.note = "changed"
    with pytest.raises(ValueError):
        edition.save()
    assert ListEdition.objects.get(pk=edition.pk).note == ""


def test_publishing_a_list_with_nothing_public_is_refused_with_a_message(english):
    # The message was once unreachable: the function's own `_` hid gettext (UnboundLocalError).
    from django.core.exceptions import ValidationError

    annual_list = AnnualList.objects.create(year=2031, title="2031年上海数字贸易创新企业")
    with pytest.raises(ValidationError) as refused:
        annual_list_publish(annual_list, user=make_reviewer())
    assert refused.value.messages == ["The 2031 list has no entry under public notice or published."]
    assert not ListEdition.objects.exists()
