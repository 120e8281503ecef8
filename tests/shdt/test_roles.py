"""
Each role can do what it is for and nothing more, in the admin, the import and the API:
录入员 (editor) keeps drafts and imports, 审核员 (reviewer) publishes, 只读 (viewer) reads.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enterprises.models import BusinessType, Enterprise, ListMembership, PublicListing
from shdt.reference.models import Region
from shdt.core.models import Status
from shdt.core.roles import EDITOR, REVIEWER, VIEWER
from tests.api import token_headers
from tests.factories import make_enterprise, put_on_list
from tests.sheets import csv_bytes

pytestmark = pytest.mark.django_db

MEMBERSHIPS = reverse("admin:enterprises_listmembership_changelist")
ENTERPRISE_ADD = reverse("admin:enterprises_enterprise_add")
IMPORT_ADD = reverse("admin:shdt_importrecord_add")
API_ENTERPRISES = reverse("api:enterprise_list")


@pytest.fixture
def role(django_user_model):
    """Return a signed-in client for a new staff account in the given role's group."""

    def sign_in(client, group_name):
        user = django_user_model.objects.create_user(group_name, password="pw-for-tests-only", is_staff=True)
        user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        return user

    return sign_in


@pytest.fixture
def entries():
    draft = put_on_list(make_enterprise("上海草稿科技有限公司"), 2023, serial=1, status=Status.DRAFT)
    published = put_on_list(make_enterprise("上海已发布科技有限公司"), 2023, serial=2, status=Status.PUBLISHED)
    return draft, published


def enterprise_form(name):
    return {
        "name": name,
        "business_type": BusinessType.objects.get(code="cloud").pk,
        "region": Region.objects.get(code="pudong").pk,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "case_studies-TOTAL_FORMS": "0",
        "case_studies-INITIAL_FORMS": "0",
    }


def change_url(membership):
    return reverse("admin:enterprises_listmembership_change", args=[membership.pk])


def actions_offered(client) -> set[str]:
    form = client.get(MEMBERSHIPS).context["action_form"]
    return set() if form is None else {name for name, _ in form.fields["action"].choices if name}


def run_action(client, action, records, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [r.pk for r in records], **extra}
    return client.post(MEMBERSHIPS, data)


# --- 录入员 (editor) ----------------------------------------------------------------


def test_an_editor_adds_records_as_drafts(client, role):
    role(client, EDITOR)
    response = client.post(ENTERPRISE_ADD, enterprise_form("上海录入测试有限公司"))
    assert response.status_code == 302
    assert Enterprise.objects.filter(name="上海录入测试有限公司").exists()


def test_an_editor_changes_a_draft_but_not_a_published_entry(client, role, entries):
    role(client, EDITOR)
    draft, published = entries
    form = {"annual_list": draft.annual_list_id, "enterprise": draft.enterprise_id, "serial": 5, "source": ""}
    assert client.post(change_url(draft), form).status_code == 302
    draft.refresh_from_db()
    assert draft.serial == 5

    form = {**form, "enterprise": published.enterprise_id, "serial": 9}
    assert client.post(change_url(published), form).status_code == 403
    published.refresh_from_db()
    assert published.serial == 2


def test_an_editor_is_offered_no_publication_action(client, role, entries):
    role(client, EDITOR)
    assert actions_offered(client).isdisjoint({"publish", "open_notice", "withdraw", "return_to_draft"})
    draft, _ = entries
    run_action(client, "publish", [draft])
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_an_editor_imports(client, role):
    role(client, EDITOR)
    content = csv_bytes(["序号", "企业名称", "业务类型", "所属区域"], [[1, "上海导入角色测试有限公司", "云服务", "浦东"]])
    response = client.post(
        IMPORT_ADD,
        {"kind": "enterprises", "list_year": "2023", "file": SimpleUploadedFile("list.csv", content)},
    )
    assert response.status_code == 302


def test_an_editor_writes_drafts_through_the_api(client, role):
    editor = role(client, EDITOR)
    data = {"name": "上海接口录入有限公司", "region": "pudong", "business_type": "cloud"}
    response = client.post(API_ENTERPRISES, data, content_type="application/json", **token_headers(editor))
    assert response.status_code == 201
    assert not Enterprise.objects.public().filter(name="上海接口录入有限公司").exists()


# --- 审核员 (reviewer) ---------------------------------------------------------------


def test_a_reviewer_puts_drafts_under_notice_and_publishes(client, role, entries):
    role(client, REVIEWER)
    draft, _ = entries
    assert {"open_notice", "publish", "withdraw", "return_to_draft"} <= actions_offered(client)

    form_page = run_action(client, "open_notice", [draft])
    assert form_page.status_code == 200 and "form" in form_page.context
    run_action(
        client,
        "open_notice",
        [draft],
        apply="1",
        title="2023年名单公示",
        starts_on="2023-03-01",
        ends_on="2023-03-10",
        contact="上海市商务委员会 021-00000000",
    )
    draft.refresh_from_db()
    assert draft.status == Status.NOTICE
    assert draft.notice.contact == "上海市商务委员会 021-00000000"

    run_action(client, "publish", [draft])
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert PublicListing.objects.get(enterprise=draft.enterprise).status == Status.PUBLISHED


def test_a_reviewer_cannot_change_content_or_add_records(client, role, entries):
    role(client, REVIEWER)
    draft, _ = entries
    assert client.get(ENTERPRISE_ADD).status_code == 403
    form = {"annual_list": draft.annual_list_id, "enterprise": draft.enterprise_id, "serial": 7, "source": ""}
    assert client.post(change_url(draft), form).status_code == 403


def test_a_reviewer_cannot_import(client, role):
    role(client, REVIEWER)
    assert client.get(IMPORT_ADD).status_code == 403


def test_a_reviewer_cannot_write_through_the_api(client, role):
    reviewer = role(client, REVIEWER)
    data = {"name": "上海审核员接口有限公司", "region": "pudong", "business_type": "cloud"}
    response = client.post(API_ENTERPRISES, data, content_type="application/json", **token_headers(reviewer))
    assert response.status_code == 403


# --- 只读 (viewer) ---------------------------------------------------------------------


def test_a_viewer_reads_everything_in_the_admin(client, role, entries):
    role(client, VIEWER)
    response = client.get(MEMBERSHIPS)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    assert client.get(change_url(entries[0])).status_code == 200  # the read-only view


def test_a_viewer_changes_nothing(client, role, entries):
    viewer = role(client, VIEWER)
    draft, _ = entries
    assert client.get(ENTERPRISE_ADD).status_code == 403
    form = {"annual_list": draft.annual_list_id, "enterprise": draft.enterprise_id, "serial": 7, "source": ""}
    assert client.post(change_url(draft), form).status_code == 403
    assert actions_offered(client) == set()
    assert client.get(IMPORT_ADD).status_code == 403
    data = {"name": "上海只读接口有限公司", "region": "pudong", "business_type": "cloud"}
    assert client.post(API_ENTERPRISES, data, content_type="application/json", **token_headers(viewer)).status_code == 403
    draft.refresh_from_db()
    assert draft.serial == 1


def test_an_import_refuses_to_change_a_published_record_for_an_editor(role, client, entries):
    from shdt.core.imports import import_table

    editor = role(client, EDITOR)
    _, published = entries
    content = csv_bytes(["序号", "企业名称", "业务类型", "所属区域"], [[8, published.enterprise.name, "数字服务", "浦东"]])
    result = import_table("enterprises", content, file_name="x.csv", list_year=2023, user=editor, dry_run=True)
    assert [p.code for p in result.problems] == ["public"]
    superuser_result = import_table("enterprises", content, file_name="x.csv", list_year=2023, user=None, dry_run=True)
    assert superuser_result.ok
    assert ListMembership.objects.get(pk=published.pk).serial == 2
