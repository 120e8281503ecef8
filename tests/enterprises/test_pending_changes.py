"""
Nothing public changes without review (issue 14, finding 1): an editor's change to a
public enterprise's own fields — through the API, the admin's form or an import — waits
as a pending change that the public does not see until a reviewer approves it; a reviewer
may reject it with a reason; drafts and reviewers' own edits are saved at once.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from enterprises.models import BusinessType, Enterprise, PendingChange
from enterprises.services import enterprise_update, pending_change_approve, pending_change_reject
from shdt.core.models import DataVersion, Status
from shdt.core.roles import EDITOR, REVIEWER
from shdt.reference.models import Region
from tests.api import csv_rows, token_headers
from tests.factories import make_enterprise, put_on_list
from tests.publishing import make_reviewer

pytestmark = pytest.mark.django_db

EVIL = "http://evil.example/"
NAME = "上海公示审核科技有限公司"


def WEBSITE_LABEL():
    return str(Enterprise._meta.get_field("website").verbose_name)


def make_staff(username, *roles):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw-for-tests-only", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


@pytest.fixture
def editor():
    return make_staff("editor", EDITOR)


@pytest.fixture
def reviewer():
    return make_staff("reviewer", REVIEWER)


@pytest.fixture
def published():
    enterprise = make_enterprise(NAME, region="pudong", website="https://www.gongshi.example.cn/")
    put_on_list(enterprise, 2023, serial=1, status=Status.PUBLISHED)
    return Enterprise.objects.get(pk=enterprise.pk)


def api_url(enterprise):
    return reverse("api:enterprise_detail", kwargs={"slug": enterprise.slug})


def patch(client, enterprise, data, user):
    return client.patch(api_url(enterprise), data, content_type="application/json", **token_headers(user))


def public_view(client, enterprise) -> dict:
    """What an anonymous visitor sees of the enterprise: profile, API, list page, download, search."""
    client.logout()
    profile = client.get(enterprise.get_absolute_url())
    assert profile.status_code == 200
    api = client.get(api_url(enterprise)).json()
    [row] = [r for r in csv_rows("enterprises", "") if r["企业名称"] == api["name"]]
    listing = client.get(reverse("enterprise_list")).content.decode()
    return {
        "profile_has_evil": EVIL in profile.content.decode(),
        "listing_has_evil": EVIL in listing,
        "api_website": api["website"],
        "api_region": api["region"]["code"],
        "download_website": row["网站"],
    }


# --- The API ------------------------------------------------------------------


def test_an_editors_patch_of_a_published_website_waits_for_review(client, editor, published):
    before = public_view(client, published)
    response = patch(client, published, {"website": EVIL}, editor)

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending" and body["enterprise"] == published.slug
    assert body["changes"] == {"website": {"old": "https://www.gongshi.example.cn/", "new": EVIL}}
    assert body["proposed_by"] == "editor"

    change = PendingChange.objects.get(enterprise=published)
    assert (change.status, change.changes, change.proposed_by) == ("pending", {"website": ["https://www.gongshi.example.cn/", EVIL]}, editor)
    published.refresh_from_db()
    assert published.website == "https://www.gongshi.example.cn/"
    assert public_view(client, published) == before
    assert not before["profile_has_evil"]
    assert not Enterprise.history.filter(website=EVIL).exists()


def test_a_second_edit_merges_into_the_open_change_and_a_bad_value_is_refused_at_once(client, editor, published):
    patch(client, published, {"website": EVIL}, editor)
    response = patch(client, published, {"region": "xuhui", "name_en": "Gongshi"}, editor)
    assert response.status_code == 202
    change = PendingChange.objects.get(enterprise=published)
    assert change.changes == {
        "website": ["https://www.gongshi.example.cn/", EVIL],
        "region": ["pudong", "xuhui"],
        "name_en": ["", "Gongshi"],
    }
    # Setting a field back to the record's value takes it out of the change.
    patch(client, published, {"website": "https://www.gongshi.example.cn/"}, editor)
    assert set(PendingChange.objects.get(enterprise=published).changes) == {"region", "name_en"}
    # The model's rules hold for a proposal as for a direct change.
    response = patch(client, published, {"credit_code": "91310000132200821X"}, editor)
    assert response.status_code == 400 and "credit_code" in response.json()
    assert PendingChange.objects.count() == 1


def test_a_reviewer_approves_and_the_public_sees_it_with_the_approver_in_the_history(client, editor, reviewer, published):
    patch(client, published, {"website": EVIL, "region": "xuhui"}, editor)
    change = PendingChange.objects.get()
    token = DataVersion.objects.get().token

    pending_change_approve(change, user=reviewer)

    published.refresh_from_db()
    assert (published.website, published.region.code) == (EVIL, "xuhui")
    change.refresh_from_db()
    assert (change.status, change.decided_by) == ("approved", reviewer)
    latest = published.history.first()
    assert (latest.history_user, latest.website) == (reviewer, EVIL)
    assert "editor" in latest.history_change_reason
    assert DataVersion.objects.get().token != token, "no cache serves the old values"
    seen = public_view(client, published)
    assert seen["profile_has_evil"] and seen["api_website"] == EVIL and seen["download_website"] == EVIL
    assert seen["api_region"] == "xuhui"


def test_a_rejected_change_changes_nothing_and_keeps_its_reason(client, editor, reviewer, published):
    before = public_view(client, published)
    patch(client, published, {"website": EVIL}, editor)
    change = PendingChange.objects.get()
    with pytest.raises(ValidationError):
        pending_change_reject(change, user=reviewer, reason="  ")

    pending_change_reject(change, user=reviewer, reason="钓鱼网站")

    change.refresh_from_db()
    assert (change.status, change.reason, change.decided_by) == ("rejected", "钓鱼网站", reviewer)
    published.refresh_from_db()
    assert published.website == "https://www.gongshi.example.cn/"
    assert public_view(client, published) == before
    with pytest.raises(ValidationError):
        pending_change_approve(change, user=reviewer)
    # The next edit opens a new change.
    assert patch(client, published, {"website": EVIL}, editor).status_code == 202
    assert PendingChange.objects.filter(status="pending").count() == 1


def test_only_a_reviewer_decides(editor, published):
    enterprise_update(published, user=editor, website=EVIL)
    change = PendingChange.objects.get()
    with pytest.raises(PermissionDenied):
        pending_change_approve(change, user=editor)
    with pytest.raises(PermissionDenied):
        pending_change_reject(change, user=editor, reason="不要")
    assert PendingChange.objects.get().status == "pending"


def test_approving_a_change_to_a_record_changed_since_is_refused(editor, reviewer, published):
    enterprise_update(published, user=editor, website=EVIL)
    change = PendingChange.objects.get()
    enterprise_update(published, user=reviewer, website="https://www.other.example.cn/")

    with pytest.raises(ValidationError) as refused:
        pending_change_approve(change, user=reviewer)

    assert "changed since" in " ".join(refused.value.messages) or "网站" in " ".join(refused.value.messages)
    published.refresh_from_db()
    assert published.website == "https://www.other.example.cn/"
    assert PendingChange.objects.get().status == "pending"


def test_an_editor_changes_a_draft_enterprise_at_once(client, editor):
    draft = make_enterprise("上海草稿审核科技有限公司")
    put_on_list(draft, 2023, serial=1, status=Status.DRAFT)

    response = patch(client, draft, {"website": "https://www.draft.example.cn/"}, editor)

    assert response.status_code == 200, response.content
    assert response.json()["website"] == "https://www.draft.example.cn/"
    draft.refresh_from_db()
    assert draft.website == "https://www.draft.example.cn/"
    assert draft.history.first().history_user == editor
    assert not PendingChange.objects.exists()


def test_an_enterprise_under_public_notice_is_public_too(client, editor):
    noticed = make_enterprise("上海公示期间科技有限公司")
    put_on_list(noticed, 2023, serial=1, status=Status.NOTICE)
    assert patch(client, noticed, {"website": EVIL}, editor).status_code == 202
    noticed.refresh_from_db()
    assert noticed.website == ""


def test_a_reviewer_changes_a_published_enterprise_at_once_as_their_own(client, published):
    # The reviewer's role alone allows it (sync_roles gives 审核员 the change permission).
    chief = make_staff("chief", REVIEWER)
    response = patch(client, published, {"website": EVIL}, chief)
    assert response.status_code == 200, response.content
    published.refresh_from_db()
    assert published.website == EVIL
    assert published.history.first().history_user == chief
    assert not PendingChange.objects.exists()
    # The service alone, as the admin and the import call it, says the same for a reviewer.
    enterprise_update(published, user=make_reviewer("second"), region=Region.objects.get(code="xuhui"))
    published.refresh_from_db()
    assert published.region.code == "xuhui"
    assert published.history.first().history_user.username == "second"


def test_put_by_an_editor_proposes_every_field_it_changes(client, editor, published):
    data = {"name": NAME, "region": "pudong", "business_type": "cloud", "website": EVIL}
    response = client.put(api_url(published), data, content_type="application/json", **token_headers(editor))
    assert response.status_code == 202
    changes = PendingChange.objects.get().changes
    assert changes["business_type"] == ["digital-services", "cloud"] and changes["website"][1] == EVIL
    assert Enterprise.objects.get(pk=published.pk).business_type == BusinessType.objects.get(code="digital-services")


def test_the_schema_documents_the_202(client):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/enterprises/{slug}/"]["patch"]
    assert {"200", "202"} <= set(operation["responses"])
    assert "202" in operation["description"] or "reviewer" in operation["description"]


# --- The admin ----------------------------------------------------------------


def change_form_data(enterprise, **changes):
    membership = enterprise.memberships.get()
    data = {
        "name": enterprise.name,
        "name_en": enterprise.name_en,
        "aliases": enterprise.aliases,
        "business_type": enterprise.business_type_id,
        "region": enterprise.region_id,
        "credit_code": enterprise.credit_code or "",
        "website": enterprise.website,
        "source": enterprise.source,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": membership.pk,
        "memberships-0-enterprise": enterprise.pk,
        "memberships-0-annual_list": membership.annual_list_id,
        "memberships-0-serial": membership.serial,
        "memberships-0-source": membership.source,
        "case_studies-TOTAL_FORMS": "0",
        "case_studies-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def admin_change_url(enterprise):
    return reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_an_editors_change_in_the_admin_form_waits_and_the_form_shows_it(client, editor, published):
    client.force_login(editor)
    response = client.post(admin_change_url(published), change_form_data(published, website=EVIL), follow=True)

    assert response.status_code == 200
    assert any("waits for a reviewer" in m or "等待审核员" in m for m in messages_of(response)), messages_of(response)
    published.refresh_from_db()
    assert published.website == "https://www.gongshi.example.cn/"
    change = PendingChange.objects.get(enterprise=published)
    assert (change.changes, change.proposed_by) == ({"website": ["https://www.gongshi.example.cn/", EVIL]}, editor)
    # The form shows the record as stored, and the pending change old → new beside it.
    page = client.get(admin_change_url(published))
    assert page.context["adminform"].form["website"].value() == "https://www.gongshi.example.cn/"
    assert [tuple(row) for row in page.context["pending_rows"]] == [(WEBSITE_LABEL(), "https://www.gongshi.example.cn/", EVIL)]
    html = page.content.decode()
    assert 'id="pending-change"' in html and EVIL in html
    assert reverse("admin:enterprises_pendingchange_change", args=[change.pk]) in html
    client.logout()
    assert EVIL not in client.get(published.get_absolute_url()).content.decode()


def test_an_editors_change_to_a_draft_in_the_admin_is_saved(client, editor):
    draft = make_enterprise("上海后台草稿科技有限公司")
    put_on_list(draft, 2023, serial=1, status=Status.DRAFT)
    client.force_login(editor)
    response = client.post(admin_change_url(draft), change_form_data(draft, website="https://www.houtai.example.cn/"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.website == "https://www.houtai.example.cn/"
    assert draft.history.first().history_user == editor
    assert not PendingChange.objects.exists()


def test_a_reviewer_approves_or_rejects_on_the_changes_page(client, editor, reviewer, published):
    enterprise_update(published, user=editor, website=EVIL)
    change = PendingChange.objects.get()
    decide_url = reverse("admin:enterprises_pendingchange_change", args=[change.pk])

    # An editor sees the change but may not decide it.
    client.force_login(editor)
    page = client.get(decide_url)
    assert page.status_code == 200 and not page.context["may_decide"]
    assert client.post(decide_url, {"approve": "1"}).status_code == 403

    client.force_login(reviewer)
    changelist = client.get(reverse("admin:enterprises_pendingchange_changelist"))
    assert [c.pk for c in changelist.context["cl"].result_list] == [change.pk]
    page = client.get(decide_url)
    assert page.context["may_decide"] and EVIL in page.content.decode()
    refused = client.post(decide_url, {"reject": "1", "reason": ""})
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    client.post(decide_url, {"reject": "1", "reason": "钓鱼网站"})
    change.refresh_from_db()
    assert (change.status, change.reason) == ("rejected", "钓鱼网站")
    assert Enterprise.objects.get(pk=published.pk).website == "https://www.gongshi.example.cn/"

    enterprise_update(published, user=editor, website=EVIL)
    second = PendingChange.objects.get(status="pending")
    client.post(reverse("admin:enterprises_pendingchange_change", args=[second.pk]), {"approve": "1"})
    assert Enterprise.objects.get(pk=published.pk).website == EVIL
    assert published.history.first().history_user == reviewer


def test_the_approve_action_of_the_changelist_is_a_reviewers(client, editor, reviewer, published):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    enterprise_update(published, user=editor, name_en="Gongshi Review")
    change = PendingChange.objects.get()
    changelist = reverse("admin:enterprises_pendingchange_changelist")
    client.force_login(editor)
    assert client.get(changelist).context["action_form"] is None, "an editor is offered no action"
    client.force_login(reviewer)
    client.post(changelist, {"action": "approve_changes", ACTION_CHECKBOX_NAME: [change.pk]})
    assert Enterprise.objects.get(pk=published.pk).name_en == "Gongshi Review"
    assert PendingChange.objects.get().status == "approved"


# --- The import ---------------------------------------------------------------

IMPORT_ADD = reverse("admin:shdt_importrecord_add")
IMPORT_HEADERS = ["企业名称", "业务类型", "所属区域", "网站"]


def import_file(enterprise, website):
    from tests.sheets import xlsx_bytes

    return xlsx_bytes(IMPORT_HEADERS, [(enterprise.name, "数字服务", "浦东", website)])


def test_an_editors_import_changing_a_published_website_is_named_in_the_preview_and_proposed(client, editor, published):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shdt.core.models import ImportRecord

    draft = make_enterprise("上海导入草稿科技有限公司")
    content = xlsx_bytes_two(published, draft)
    client.force_login(editor)
    response = client.post(IMPORT_ADD, {"kind": "enterprises", "list_year": "", "file": SimpleUploadedFile("x.xlsx", content)})
    assert response.status_code == 302
    record = ImportRecord.objects.get()
    preview = client.get(response["Location"])

    assert [(row["row"], row["label"]) for row in preview.context["pending_rows"]] == [(2, NAME)]
    [row] = [row for row in preview.context["rows"] if row["row"] == 2]
    assert [(c["column"], c["old"], c["new"], c["pending"]) for c in row["changes"]] == [
        ("网站", "https://www.gongshi.example.cn/", EVIL, True)
    ]
    html = preview.content.decode()
    assert 'id="import-pending"' in html and NAME in html
    assert not PendingChange.objects.exists(), "nothing is proposed before the confirmation"

    client.post(response["Location"], {"confirm": "1"})

    record.refresh_from_db()
    assert record.status == "done"
    change = PendingChange.objects.get()
    assert (change.enterprise_id, change.changes, change.proposed_by, change.import_record) == (
        published.pk, {"website": ["https://www.gongshi.example.cn/", EVIL]}, editor, record,
    )
    published.refresh_from_db()
    assert published.website == "https://www.gongshi.example.cn/"
    assert not published.history.filter(import_record=record).exists()
    # The draft enterprise on the same file is written at once.
    draft.refresh_from_db()
    assert draft.website == "https://www.draft-import.example.cn/"
    client.logout()
    assert public_view(client, published)["api_website"] == "https://www.gongshi.example.cn/"
    assert EVIL not in client.get(published.get_absolute_url()).content.decode()


def xlsx_bytes_two(published, draft):
    from tests.sheets import xlsx_bytes

    return xlsx_bytes(
        IMPORT_HEADERS,
        [(published.name, "数字服务", "浦东", EVIL), (draft.name, "数字服务", "浦东", "https://www.draft-import.example.cn/")],
    )


def test_an_import_by_a_reviewer_or_from_the_command_line_writes_at_once(published):
    from tests.sheets import run

    result = run("enterprises", import_file(published, EVIL), user=make_staff("chief", EDITOR, REVIEWER))
    assert result.written and not result.pending_rows
    published.refresh_from_db()
    assert published.website == EVIL
    result = run("enterprises", import_file(published, "https://www.cli.example.cn/"))
    assert result.written and not result.pending_rows
    assert Enterprise.objects.get(pk=published.pk).website == "https://www.cli.example.cn/"
    assert not PendingChange.objects.exists()


def test_an_import_merges_into_the_open_change_and_says_so_in_its_line(editor, published):
    from tests.sheets import run

    enterprise_update(published, user=editor, name_en="Gongshi")
    result = run("enterprises", import_file(published, EVIL), user=editor)
    assert result.written
    [outcome] = result.pending_rows
    assert "网站" in outcome.describe() and EVIL in outcome.describe()
    assert PendingChange.objects.get().changes == {
        "name_en": ["", "Gongshi"],
        "website": ["https://www.gongshi.example.cn/", EVIL],
    }


def test_a_pending_name_is_not_found_by_search_nor_named_in_the_feed(client, editor, published):
    new_name = "上海待审新名科技有限公司"
    assert patch(client, published, {"name": new_name, "aliases": ["待审别名"]}, editor).status_code == 202
    client.logout()
    for query in ("上海待审新名", "daishenxinming", "待审别名"):
        assert client.get(reverse("api:enterprise_list"), {"q": query}).json()["count"] == 0, query
        assert new_name not in client.get(reverse("enterprise_list"), {"q": query}).content.decode()
    assert [row["name"] for row in client.get(reverse("api:enterprise_list"), {"q": "公示审核"}).json()["results"]] == [NAME]
    assert new_name not in client.get(reverse("change_feed")).content.decode()
    assert new_name not in client.get(published.get_absolute_url()).content.decode()


def test_an_editors_revert_from_the_history_waits_for_review_too(client, editor, published):
    first = published.history.earliest()
    enterprise_update(published, website=EVIL)  # the command line: at once
    client.force_login(editor)
    url = reverse("admin:enterprises_enterprise_simple_history", args=[published.pk, first.history_id])
    data = {key: value for key, value in change_form_data(published).items() if not key.startswith(("memberships", "case_studies"))}
    response = client.post(url, {**data, "website": first.website})
    assert response.status_code == 302
    assert Enterprise.objects.get(pk=published.pk).website == EVIL
    assert PendingChange.objects.get().changes == {"website": [EVIL, "https://www.gongshi.example.cn/"]}
