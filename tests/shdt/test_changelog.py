"""
The change log (issue 15): a record's history page says who changed what, when, from
what to what and by which import; the staff's recent changes page lists the latest
changes of every kind of record the reader may see, filtered by user, kind and date.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bases.models import ExportBase
from enterprises.models import BusinessType, Enterprise
from policies.admin import PolicyAdmin
from policies.models import Policy
from shdt.core import changelog_admin
from shdt.core.models import ImportRecord, Status
from shdt.core.publication import records_move
from shdt.core.roles import EDITOR
from shdt.reference.models import Region
from tests.factories import make_base, make_enterprise, make_policy
from tests.sheets import xlsx_bytes

pytestmark = pytest.mark.django_db

RECENT = reverse("admin:recent_changes")


def history_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.pk])


def history_rows(client, record, **headers) -> list[dict]:
    """The record's history page, a row per change: who, action, import cell, and its changes as text."""
    response = client.get(history_url(record), **headers)
    assert response.status_code == 200
    rows = []
    for entry in response.context["page_obj"]:
        rows.append(
            {
                "user": entry.history_user.username if entry.history_user else None,
                "type": entry.history_type,
                "date": entry.history_date,
                "import": entry.import_record_id,
                "changes": [f"{c['field']}: {c['old']} → {c['new']}" for c in entry.history_delta_changes],
            }
        )
    return rows


def enterprise_form(enterprise, **changes):
    data = {
        "name": enterprise.name,
        "name_en": enterprise.name_en,
        "aliases": enterprise.aliases,
        "business_type": enterprise.business_type_id,
        "region": enterprise.region_id,
        "credit_code": enterprise.credit_code or "",
        "website": enterprise.website or "",
        "source": enterprise.source or "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "case_studies-TOTAL_FORMS": "0",
        "case_studies-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def staff_user(django_user_model, username, *, perms=(), group=None):
    user = django_user_model.objects.create_user(username, password="pw-for-tests-only", is_staff=True)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


# A record's history page -----------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_an_edit_in_the_admin_shows_who_when_and_each_field_from_what_to_what(staff_client):
    enterprise = make_enterprise("上海历史科技有限公司", region="pudong", business_type="cloud")
    before = timezone.now()
    xuhui = Region.objects.get(code="xuhui")
    response = staff_client.post(
        reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]),
        enterprise_form(enterprise, region=xuhui.pk, name_en="History Tech"),
    )
    assert response.status_code == 302

    newest, created = history_rows(staff_client, enterprise)
    pudong = Region.objects.get(code="pudong")
    assert (newest["user"], newest["type"], newest["import"]) == ("staff", "~", None)
    assert newest["date"] >= before
    # Labels, not field names; a region by its (English) name, not its id; nothing as (empty).
    assert newest["changes"] == ["English name: (empty) → “History Tech”", f"Region: “{pudong.name_en}” → “{xuhui.name_en}”"]
    # A creation shows what the record was created with.
    cloud = BusinessType.objects.get(code="cloud")
    assert (created["type"], created["changes"]) == (
        "+",
        ["Name: (empty) → “上海历史科技有限公司”", f"Business type: (empty) → “{cloud.name_en}”", f"Region: (empty) → “{pudong.name_en}”"],
    )
    html = staff_client.get(history_url(enterprise)).content.decode()
    assert "<strong>English name:</strong> (empty) → “History Tech”" in html
    assert "by hand" in html and ">staff<" in html


def test_the_history_page_reads_in_chinese_with_choice_labels_and_the_publication_state(staff_client, django_user_model):
    base = make_base("上海历史基地", category=ExportBase.Category.DIGITAL, status=Status.DRAFT)
    base.category = ExportBase.Category.CULTURE
    base.region = None
    base._history_user = django_user_model.objects.get(username="staff")
    base.save()
    records_move(ExportBase.objects.filter(pk=base.pk), to=Status.PUBLISHED, user=base._history_user)

    published, recategorised, _created = history_rows(staff_client, base, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert recategorised["changes"] == ["类别: “国家数字服务出口基地” → “国家文化出口基地”"]
    assert any(change.startswith("发布状态: “草稿” → “已发布”") for change in published["changes"]), published["changes"]
    html = staff_client.get(history_url(base), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "手工修改" in html and "修改内容" in html


@pytest.mark.usefixtures("english")
def test_the_oldest_change_of_a_page_is_compared_with_the_change_before_it(staff_client, monkeypatch):
    policy = make_policy("《历史政策》", issuer="上海市商务委员会", status=Status.DRAFT)
    policy.issuer = "上海市人民政府"
    policy.save()
    monkeypatch.setattr(PolicyAdmin, "history_list_per_page", 1)
    (only,) = history_rows(staff_client, policy)
    assert only["changes"] == ["Issuer: “上海市商务委员会” → “上海市人民政府”"]


@pytest.mark.usefixtures("english")
def test_an_import_shows_in_the_history_linked_to_it(staff_client):
    enterprise = make_enterprise("上海导入历史科技有限公司", region="minhang", business_type="digital-content")
    content = xlsx_bytes(["序号", "企业名称", "业务类型", "所属区域"], [(1, enterprise.name, "数字内容", "徐汇")])
    upload = staff_client.post(
        reverse("admin:shdt_importrecord_add"),
        {"kind": "enterprises", "list_year": "2022", "file": SimpleUploadedFile("list.xlsx", content)},
    )
    assert upload.status_code == 302
    record = ImportRecord.objects.get()
    assert staff_client.post(upload["Location"], {"confirm": "1"}).status_code == 302
    record.refresh_from_db()
    assert record.status == "done"

    imported, _created = history_rows(staff_client, enterprise)
    minhang, xuhui = Region.objects.get(code="minhang"), Region.objects.get(code="xuhui")
    assert (imported["user"], imported["import"]) == ("staff", record.pk)
    assert imported["changes"] == [f"Region: “{minhang.name_en}” → “{xuhui.name_en}”"]
    html = staff_client.get(history_url(enterprise)).content.decode()
    import_url = reverse("admin:shdt_importrecord_change", args=[record.pk])
    assert f'<a href="{import_url}">Import {record.pk}: list.xlsx</a>' in html


# The recent changes page -----------------------------------------------------------------


@pytest.fixture
def changes(django_user_model):
    """
    Three changes by two people on two kinds of record, a day apart:
    ann adds a policy (3 days ago), ben adds an enterprise (2 days ago), ann changes it (today).
    """
    ann = django_user_model.objects.create_user("ann", password="pw-for-tests-only", is_staff=True)
    ben = django_user_model.objects.create_user("ben", password="pw-for-tests-only", is_staff=True)
    policy = Policy(title="《近期政策》", published_on=datetime.date(2021, 5, 1), issuer="上海市人民政府")
    policy._history_user = ann
    policy.save()
    enterprise = Enterprise(
        name="上海近期科技有限公司", region=Region.objects.get(code="pudong"), business_type=BusinessType.objects.get(code="cloud")
    )
    enterprise._history_user = ben
    enterprise.save()
    enterprise.name_en = "Recent Tech"
    enterprise._history_user = ann
    enterprise.save()
    now = timezone.now()
    Policy.history.update(history_date=now - datetime.timedelta(days=3))
    Enterprise.history.filter(history_type="+").update(history_date=now - datetime.timedelta(days=2))
    return {"ann": ann, "ben": ben, "policy": policy, "enterprise": enterprise}


def listed(response) -> list[tuple[str, str, str]]:
    """(user, kind, record) of each row of the recent changes page, in its order."""
    assert response.status_code == 200
    return [
        (row["change"].entry.history_user.username, row["change"].model._meta.model_name, row["change"].record_text)
        for row in response.context["rows"]
    ]


def test_recent_changes_lists_every_kind_newest_first_each_linked_to_its_history(staff_client, changes):
    response = staff_client.get(RECENT)
    assert listed(response) == [
        ("ann", "enterprise", "上海近期科技有限公司"),
        ("ben", "enterprise", "上海近期科技有限公司"),
        ("ann", "policy", "《近期政策》"),
    ]
    html = response.content.decode()
    assert f'href="{history_url(changes["enterprise"])}"' in html and f'href="{history_url(changes["policy"])}"' in html
    chinese = staff_client.get(RECENT, {"model": "policies.policy"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(r"<td>ann</td>\s*<td>政策文件</td>\s*<td><a [^>]+>《近期政策》</a></td>\s*<td>已创建</td>", chinese)


def test_recent_changes_by_user(staff_client, changes):
    response = staff_client.get(RECENT, {"user": changes["ann"].pk})
    assert listed(response) == [("ann", "enterprise", "上海近期科技有限公司"), ("ann", "policy", "《近期政策》")]


def test_recent_changes_by_kind_of_record(staff_client, changes):
    response = staff_client.get(RECENT, {"model": "policies.policy"})
    assert listed(response) == [("ann", "policy", "《近期政策》")]


def test_recent_changes_by_date(staff_client, changes):
    today = timezone.localdate()
    two_days_ago = (today - datetime.timedelta(days=2)).isoformat()
    response = staff_client.get(RECENT, {"date_after": two_days_ago, "date_before": two_days_ago})
    assert listed(response) == [("ben", "enterprise", "上海近期科技有限公司")]
    response = staff_client.get(RECENT, {"date_after": two_days_ago})
    assert [kind for _user, kind, _record in listed(response)] == ["enterprise", "enterprise"]


def test_recent_changes_pages_merge_the_kinds_in_date_order(staff_client, changes, monkeypatch):
    monkeypatch.setattr(changelog_admin, "RECENT_CHANGES_PER_PAGE", 2)
    first = staff_client.get(RECENT)
    assert [user for user, _kind, _record in listed(first)] == ["ann", "ben"]
    assert first.context["page"].paginator.count == 3
    second = staff_client.get(RECENT, {"page": 2, "user": ""})
    assert listed(second) == [("ann", "policy", "《近期政策》")]


def test_a_reader_sees_only_the_changes_of_the_records_they_may_view(client, django_user_model, changes):
    reader = staff_user(django_user_model, "reader", perms=["policies.view_policy"])
    client.force_login(reader)
    response = client.get(RECENT)
    assert listed(response) == [("ann", "policy", "《近期政策》")]
    assert [value for value, _label in response.context["filterset"].form.fields["model"].choices if value] == ["policies.policy"]
    # Asking for a kind they may not see shows none of it.
    asked = client.get(RECENT, {"model": "enterprises.enterprise"})
    assert all(kind == "policy" for _user, kind, _record in listed(asked))
    assert "model" in asked.context["filterset"].form.errors


def test_a_staff_member_who_may_view_no_record_is_refused(client, django_user_model, changes):
    client.force_login(staff_user(django_user_model, "nobody"))
    assert client.get(RECENT).status_code == 403


def test_the_anonymous_are_sent_to_sign_in(client, changes):
    response = client.get(RECENT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_index_links_to_recent_changes_for_those_who_may_see_them(client, django_user_model):
    client.force_login(staff_user(django_user_model, "editor", group=EDITOR))
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(rf'<a href="{RECENT}"[^>]*>最近变更</a>', html)
    client.force_login(staff_user(django_user_model, "nobody"))
    assert RECENT not in client.get(reverse("admin:index")).content.decode()


def test_recent_changes_cost_the_same_few_queries_however_many_rows_a_page_shows(staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import put_on_list

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(RECENT)
        assert response.status_code == 200
        return len(captured)

    put_on_list(make_enterprise("上海条目一科技有限公司"))
    few = queries()
    for number in range(2, 12):
        put_on_list(make_enterprise(f"上海条目{number}号科技有限公司"))
    many = queries()
    texts = [row["change"].record_text for row in staff_client.get(RECENT).context["rows"]]
    assert "2022 · 11 · 上海条目11号科技有限公司" in texts
    assert many == few


@pytest.mark.usefixtures("english")
def test_a_deleted_record_keeps_its_change_log(staff_client):
    policy = make_policy("《已删除政策》", status=Status.DRAFT)
    url, pk = history_url(policy), policy.pk
    policy.delete()
    policy.pk = pk  # Django forgets a deleted record's id; its history does not
    (deleted,) = [row for row in staff_client.get(RECENT).context["rows"] if row["change"].entry.history_type == "-"]
    assert (deleted["change"].record_text, deleted["url"]) == ("《已删除政策》", url)
    types = [row["type"] for row in history_rows(staff_client, policy)]
    assert types == ["-", "+"]
