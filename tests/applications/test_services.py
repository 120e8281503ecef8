"""
The review from submission to the draft list entry, matching, and the purge; the moves'
rules (reason required, reviewers only) and the history that records every move.
"""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from enterprises.applications import services
from enterprises.applications.models import Application, ApplicationWindow, Attachment, token_digest
from enterprises.models import Enterprise, ListMembership
from shdt.core.models import Status
from shdt.core.roles import EDITOR, REVIEWER
from tests.applications.helpers import credit_code, service_data, upload, window_open
from tests.factories import make_enterprise, put_on_list
from tests.workbench import staff

pytestmark = pytest.mark.django_db


def submit(window, **overrides):
    return services.application_submit(window=window, data=service_data(**overrides), uploads=[upload()])


def test_receipt_numbers_count_within_the_year():
    window = window_open(year=2024)
    first, _ = submit(window, name="甲科技有限公司")
    second, _ = submit(window, name="乙科技有限公司")
    assert (first.receipt_number, second.receipt_number) == ("SQ2024-000001", "SQ2024-000002")


def test_the_token_opens_the_application_and_only_its_digest_is_stored():
    application, token = submit(window_open())
    assert application.token_hash == token_digest(token) and token not in application.token_hash
    assert services.application_by_token(token) == application
    assert services.application_by_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert services.application_by_token("") is None


def test_a_window_must_close_after_it_opens():
    now = timezone.now()
    with pytest.raises(ValidationError):
        ApplicationWindow(year=2024, opens_at=now, closes_at=now).full_clean()


def test_matching_by_credit_code_name_and_alias():
    by_code = make_enterprise("代码匹配有限公司", credit_code=credit_code("91310000MA1FL1111"))
    by_alias = make_enterprise("别名匹配有限公司", aliases="旧名称科技有限公司")
    window = window_open()
    matched, _ = submit(window, name="另一个名字有限公司", credit_code=credit_code("91310000MA1FL1111"))
    assert (matched.enterprise, matched.match_kind) == (by_code, "credit_code")
    matched, _ = submit(window, name="旧名称科技有限公司", credit_code=credit_code("91310000MA1FL2222"))
    assert (matched.enterprise, matched.match_kind) == (by_alias, "alias")


def test_a_name_match_with_another_credit_code_is_only_a_candidate():
    other = make_enterprise("同名公司有限公司", credit_code=credit_code("91310000MA1FL3333"))
    application, _ = submit(window_open(), name="同名公司有限公司", credit_code=credit_code("91310000MA1FL4444"))
    assert application.enterprise is None
    assert [c["id"] for c in application.candidates] == [other.pk]


def test_a_similar_sounding_name_is_offered_as_a_likely_duplicate():
    existing = make_enterprise("上海海隆软件有限公司")
    application, _ = submit(window_open(), name="海龙软件股份有限公司")
    assert application.enterprise is None
    assert existing.pk in [c["id"] for c in application.candidates]


def test_two_applications_for_one_enterprise_in_a_window_are_flagged():
    window = window_open()
    first, _ = submit(window)
    second, _ = submit(window, name="申请测试科技(有限)公司".replace("(有限)", "有限"))
    assert services.same_enterprise(first) == [second]


def test_the_year_from_application_to_draft_entry(django_capture_on_commit_callbacks):
    reviewer, editor = staff("审核员甲", REVIEWER), staff("录入员甲", EDITOR)
    # Registered with full-width parentheses; the applicant writes half-width ones.
    registered = make_enterprise("博彦科技（上海）有限公司", website="")
    put_on_list(make_enterprise("已在名单上有限公司"), year=2024, serial=7, status=Status.DRAFT)
    window = window_open(year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        application, token = submit(window, name="博彦科技(上海)有限公司", credit_code=credit_code("91310000MA1FL5555"))
    assert application.enterprise == registered and application.match_kind == "name"

    with pytest.raises(PermissionDenied):
        services.application_start_review(application, user=editor)
    with translation.override("en"), pytest.raises(ValidationError, match="Give the reason"):
        services.application_return(application, user=reviewer, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_return(application, user=reviewer, reason="请补充营业执照。")
    application.refresh_from_db()
    assert application.status == Application.Status.RETURNED and application.reviewer == reviewer
    assert "请补充营业执照。" in mail.outbox[-1].body

    services.application_correct(application, data=service_data(name="博彦科技(上海)有限公司", credit_code=credit_code("91310000MA1FL5555"), profile="已补充"), uploads=[upload("营业执照.pdf")])
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.attachments.count() == 2

    services.application_start_review(application, user=reviewer)
    application.refresh_from_db()
    with pytest.raises(ValidationError):
        services.application_correct(application, data=service_data(), uploads=[])
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.application_accept(application, user=reviewer)

    assert Enterprise.objects.filter(name_normalized=registered.name_normalized).count() == 1
    registered.refresh_from_db()
    assert membership.enterprise == registered and registered.credit_code == credit_code("91310000MA1FL5555")
    assert registered.website == "https://www.apply-test.example.cn"
    assert (membership.annual_list.year, membership.serial, membership.status) == (2024, 8, Status.DRAFT)
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    assert [h.status for h in application.history.order_by("history_date")] == [
        "submitted", "returned", "submitted", "under_review", "accepted",
    ]
    assert len(mail.outbox) == 3  # receipt, returned, decision


def test_accepting_a_new_enterprise_creates_it_and_a_draft_entry():
    reviewer = staff("审核员甲", REVIEWER)
    application, _ = submit(window_open(year=2025), name="全新数字贸易有限公司")
    membership = services.application_accept(application, user=reviewer)
    enterprise = Enterprise.objects.get(name="全新数字贸易有限公司")
    assert membership.enterprise == enterprise and membership.serial == 1 and membership.status == Status.DRAFT
    assert ListMembership.objects.filter(annual_list__year=2025).count() == 1


def test_a_decided_application_cannot_be_decided_again():
    reviewer = staff("审核员甲", REVIEWER)
    application, _ = submit(window_open())
    services.application_reject(application, user=reviewer, reason="不符合条件")
    with pytest.raises(ValidationError):
        services.application_accept(application, user=reviewer)


def test_purge_anonymises_old_rejected_and_withdrawn_applications_only(_private_files, django_capture_on_commit_callbacks):
    reviewer = staff("审核员甲", REVIEWER)
    window = window_open()
    rejected, rejected_token = submit(window, name="被拒有限公司")
    services.application_reject(rejected, user=reviewer, reason="不符合条件")
    kept, _ = submit(window, name="保留有限公司")
    recent, _ = submit(window, name="近期有限公司")
    services.application_withdraw(recent)
    old = timezone.now() - datetime.timedelta(days=400)
    Application.objects.filter(pk__in=[rejected.pk, kept.pk]).update(updated_at=old)
    files_before = sorted(p.name for p in _private_files.rglob("*") if p.is_file())
    assert len(files_before) == 3

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_applications", stdout=open("/dev/null", "w"))

    rejected.refresh_from_db()
    assert (rejected.contact_email, rejected.contact_phone, rejected.contact_name) == ("", "", "")
    assert rejected.anonymised_at is not None and not Attachment.objects.filter(application=rejected).exists()
    assert not rejected.history.exclude(contact_email="").exists()
    assert services.application_by_token(rejected_token) is None
    kept.refresh_from_db()
    recent.refresh_from_db()
    assert kept.contact_email and recent.contact_email
    assert len([p for p in _private_files.rglob("*") if p.is_file()]) == 2
