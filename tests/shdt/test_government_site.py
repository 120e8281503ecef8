"""
What Chinese government sites have (issue 16): the sponsor (主办单位) and a contact in every
page's footer, an accessibility statement, and “report an error” on each profile — a form
that keeps a CorrectionRequest linked to the record, limited per address and closed to
robots, which editors and reviewers handle in the admin.
"""

from types import SimpleNamespace

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from bases.models import ExportBase
from enterprises.models import Enterprise
from shdt.core.corrections import HONEYPOT
from shdt.core.models import CorrectionRequest, Status
from shdt.core.roles import EDITOR, REVIEWER, VIEWER
from tests.factories import make_base, make_enterprise, put_on_list

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:shdt_correctionrequest_changelist")
ZH, EN = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}, {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def enterprise():
    enterprise = make_enterprise("上海纠错测试科技有限公司")
    put_on_list(enterprise)
    enterprise.refresh_from_db()
    return enterprise


def report_url(kind, record):
    return reverse("report_error", kwargs={"kind": kind, "slug": record.slug})


def send(client, url, message="注册地址有误，应为浦东新区。", **extra):
    data = {"message": message, "contact": "reader@example.com", HONEYPOT: "", **extra.pop("data", {})}
    return client.post(url, data, **extra)


# --- Footer and accessibility statement -------------------------------------------------


def test_the_footer_names_the_sponsor_and_a_contact_and_links_the_statement_and_the_site_map(client):
    chinese = client.get("/", **ZH).content.decode()
    assert "主办单位：上海市商务委员会" in chinese
    assert "联系方式：请通过主办单位官方网站联系。" in chinese
    assert f'href="{reverse("accessibility")}"' in chinese and f'href="{reverse("site_map")}"' in chinese
    english = client.get("/", **EN).content.decode()
    assert "Sponsor: Shanghai Municipal Commission of Commerce" in english
    assert "Contact: through the sponsor&#39;s official website." in english


def test_the_sponsor_and_contact_come_from_the_settings_and_an_email_is_a_link(client, settings):
    settings.SITE_SPONSOR = "上海市商务委员会 服务贸易处"
    settings.SITE_CONTACT = "registry@example.gov.cn"
    page = client.get("/", **ZH).content.decode()
    assert "主办单位：上海市商务委员会 服务贸易处" in page
    assert '联系方式：<a href="mailto:registry@example.gov.cn">registry@example.gov.cn</a>' in page
    # Anything else is shown as text, escaped.
    settings.SITE_CONTACT = "021-0000 <b>"
    assert "联系方式：021-0000 &lt;b&gt;" in client.get("/", **ZH).content.decode()


def test_the_accessibility_statement_in_both_languages(client):
    chinese = client.get(reverse("accessibility"), **ZH)
    assert chinese.status_code == 200
    text = chinese.content.decode()
    assert "<h1>无障碍声明</h1>" in text and "跳到正文" in text and "GB/T 37668-2019" in text
    english = client.get(reverse("accessibility"), **EN).content.decode()
    assert "<h1>Accessibility statement</h1>" in english and "SVG" in english and "How to report a problem" in english


def test_the_statement_is_on_the_site_map_and_in_the_sitemap(client):
    assert f'href="{reverse("accessibility")}"' in client.get(reverse("site_map")).content.decode()
    pages = client.get("/sitemap-pages.xml").content.decode()
    assert reverse("accessibility") in pages


# --- Report an error ---------------------------------------------------------------------


def test_each_profile_carries_the_form(client, enterprise, response_cache):
    base = make_base("纠错测试基地")
    for kind, record in (("enterprise", enterprise), ("base", base)):
        page = client.get(record.get_absolute_url(), **ZH).content.decode()
        assert "报告记录错误" in page
        assert f'action="{report_url(kind, record)}"' in page
        # No per-visitor token: the page stays cacheable whole.
        assert "csrfmiddlewaretoken" not in page
        assert getattr(client.get(record.get_absolute_url()), "shdt_cacheable", False)
    assert "Report an error in this record" in client.get(enterprise.get_absolute_url(), **EN).content.decode()


def test_a_report_is_kept_linked_to_the_record_and_the_visitor_is_thanked(client, enterprise):
    response = send(client, report_url("enterprise", enterprise), **EN)
    thanks = reverse("report_error_thanks", kwargs={"kind": "enterprise", "slug": enterprise.slug})
    assert response.status_code == 302 and response["Location"] == thanks
    kept = CorrectionRequest.objects.get()
    assert kept.record == enterprise and kept.record_title == enterprise.name
    assert kept.message == "注册地址有误，应为浦东新区。" and kept.contact == "reader@example.com"
    assert kept.language == "en" and kept.status == CorrectionRequest.State.NEW
    page = client.get(thanks, **EN)
    assert page.status_code == 200 and "Thank you for your report" in page.content.decode()
    assert "感谢您的反馈" in client.get(thanks, **ZH).content.decode()


def test_a_base_can_be_reported_too(client):
    base = make_base("纠错基地乙")
    send(client, report_url("base", base))
    assert CorrectionRequest.objects.get().record == base


def test_the_kinds_that_can_be_reported_are_those_their_apps_register(client):
    from shdt.core.registry import reportable_models

    assert reportable_models() == {"enterprise": Enterprise, "base": ExportBase}
    # A kind no app registered answers 404, whatever record's address it borrows.
    assert client.get(report_url("policy", make_enterprise("纠错企业丙"))).status_code == 404


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_is_kept(client, enterprise):
    response = send(client, report_url("enterprise", enterprise), data={HONEYPOT: "http://spam.example"})
    assert response.status_code == 302
    assert response["Location"].endswith("/thanks/")
    assert not CorrectionRequest.objects.exists()


def test_an_empty_or_overlong_report_comes_back_with_the_mistake(client, enterprise):
    url = report_url("enterprise", enterprise)
    empty = send(client, url, message="   ", **ZH)
    assert empty.status_code == 400 and "报告记录错误" in empty.content.decode()
    assert send(client, url, message="错" * 2001).status_code == 400
    assert not CorrectionRequest.objects.exists()


def test_a_draft_or_an_unknown_kind_cannot_be_reported(client):
    draft = make_enterprise("上海草稿纠错有限公司")
    put_on_list(draft, status=Status.DRAFT)
    withdrawn = make_base("撤回基地", status=Status.DRAFT)
    assert send(client, report_url("enterprise", draft)).status_code == 404
    assert client.get(report_url("enterprise", draft)).status_code == 404
    assert send(client, report_url("base", withdrawn)).status_code == 404
    assert send(client, f"/report-error/policy/{draft.slug}/").status_code == 404
    assert client.get(f"/report-error/enterprise/{draft.slug}/thanks/").status_code == 404
    assert not CorrectionRequest.objects.exists()


def test_a_post_from_another_site_is_refused(client, enterprise):
    url = report_url("enterprise", enterprise)
    assert send(client, url, HTTP_ORIGIN="https://elsewhere.example").status_code == 403
    assert send(client, url, HTTP_ORIGIN="null").status_code == 403
    assert send(client, url, HTTP_ORIGIN="http://testserver").status_code == 302
    assert CorrectionRequest.objects.count() == 1


@pytest.fixture
def correction_limit(settings, monkeypatch):
    # Thirty seconds into an hour, for the whole test.
    monkeypatch.setattr("shdt.core.limits.time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    settings.CORRECTION_RATE = "3/hour"
    settings.NUM_PROXIES = 0
    return settings


def test_over_the_limit_an_address_is_answered_429_in_its_language(client, enterprise, correction_limit):
    url = report_url("enterprise", enterprise)
    statuses = [send(client, url, **ZH).status_code for _ in range(3)]
    # Robots' posts count too.
    statuses.append(send(client, url, data={HONEYPOT: "x"}, **ZH).status_code)
    assert statuses == [302, 302, 302, 429]
    refused = send(client, url, **EN)
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 3570
    assert "Too many reports" in refused.content.decode() and "60 minutes" in refused.content.decode()
    assert "提交次数过多" in send(client, url, **ZH).content.decode()
    assert CorrectionRequest.objects.count() == 3
    # Another address is not held back, and reading pages is not limited by it.
    assert send(client, url, REMOTE_ADDR="198.51.100.9").status_code == 302
    assert client.get(enterprise.get_absolute_url()).status_code == 200


def test_hostile_text_is_kept_as_written_and_shown_escaped(client, admin_client, enterprise):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    send(client, report_url("enterprise", enterprise), message=hostile, data={"contact": "<b>me</b>"})
    kept = CorrectionRequest.objects.get()
    assert kept.message == hostile and kept.contact == "<b>me</b>"
    for url in (CHANGELIST, reverse("admin:shdt_correctionrequest_change", args=[kept.pk])):
        page = admin_client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>me</b>" not in page
        assert "&lt;script&gt;" in page


# --- In the admin ------------------------------------------------------------------------


@pytest.fixture
def reports(client, enterprise):
    base = make_base("纠错基地丙")
    send(client, report_url("enterprise", enterprise))
    send(client, report_url("base", base), message="基地认定年份有误")
    return list(CorrectionRequest.objects.order_by("pk"))


def sign_in(client, django_user_model, role):
    user = django_user_model.objects.create_user(role, password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def run_action(client, action, requests):
    return client.post(CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [r.pk for r in requests]})


@pytest.mark.parametrize("role", [EDITOR, REVIEWER])
def test_editors_and_reviewers_see_and_handle_reports(client, django_user_model, reports, role):
    user = sign_in(client, django_user_model, role)
    page = client.get(CHANGELIST, **ZH)
    assert page.status_code == 200
    assert {"mark_handled", "dismiss"} <= {name for name, _ in page.context["action_form"].fields["action"].choices}
    enterprise_report, base_report = reports
    run_action(client, "mark_handled", [enterprise_report])
    run_action(client, "dismiss", [base_report])
    enterprise_report.refresh_from_db()
    base_report.refresh_from_db()
    assert enterprise_report.status == CorrectionRequest.State.HANDLED and enterprise_report.handled_by == user
    assert enterprise_report.handled_at is not None
    assert base_report.status == CorrectionRequest.State.DISMISSED and base_report.handled_by == user
    # Staff add none: reports come from the public pages.
    assert client.get(reverse("admin:shdt_correctionrequest_add")).status_code == 403


def test_a_viewer_reads_reports_but_handles_none(client, django_user_model, reports):
    sign_in(client, django_user_model, VIEWER)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    form = page.context["action_form"]
    assert form is None or not {"mark_handled", "dismiss"} & {name for name, _ in form.fields["action"].choices}
    run_action(client, "mark_handled", reports)
    assert set(CorrectionRequest.objects.values_list("status", flat=True)) == {CorrectionRequest.State.NEW}


def test_the_list_filters_by_state_and_kind_and_links_each_record(admin_client, reports, enterprise):
    enterprise_report, base_report = reports
    run_action(admin_client, "dismiss", [base_report])
    new = admin_client.get(CHANGELIST, {"status": "new"}).context["cl"].result_list
    assert list(new) == [enterprise_report]
    enterprise_kind = ContentType.objects.get_for_model(Enterprise).pk
    filters = admin_client.get(CHANGELIST).context["cl"].filter_specs
    kinds = dict(next(f for f in filters if getattr(f, "parameter_name", None) == "kind").lookup_choices)
    assert set(kinds) == {str(ContentType.objects.get_for_model(m).pk) for m in (Enterprise, ExportBase)}
    by_kind = admin_client.get(CHANGELIST, {"kind": enterprise_kind}).context["cl"].result_list
    assert list(by_kind) == [enterprise_report]
    change = admin_client.get(reverse("admin:shdt_correctionrequest_change", args=[enterprise_report.pk])).content.decode()
    assert f'href="{reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])}"' in change
    assert f'href="{enterprise.get_absolute_url()}"' in change


def test_reports_are_listed_with_the_registry_s_own_pages(admin_client):
    index = admin_client.get(reverse("admin:index"), **ZH)
    registry = next(app for app in index.context["app_list"] if app["app_label"] == "shdt")
    assert "CorrectionRequest" in {model["object_name"] for model in registry["models"]}
