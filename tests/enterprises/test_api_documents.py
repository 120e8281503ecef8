"""
The stored API documents (enterprises.api.documents) follow every write path: after each
kind of change, every public enterprise's stored document is the one built afresh from the
database, and the API's page shows the change at once.
"""

import datetime
import logging
from decimal import Decimal

import pytest
from django.core.management import call_command

from enterprises.api.documents import enterprise_documents, enterprise_documents_fill
from enterprises.models import AnnualList, CaseStudy, Enterprise, EnterpriseDocument, ListMembership
from enterprises.services import enterprise_update, list_membership_set
from shdt.core.models import Status
from shdt.core.publication import records_move
from tests.enterprises.test_imports import HEADERS_6_1
from tests.publishing import make_reviewer, open_notice
from tests.report_tables import case_studies_6_1
from tests.sheets import csv_bytes, run

pytestmark = pytest.mark.django_db

XIMALAYA = "上海喜马拉雅科技有限公司"


def assert_documents_true():
    """Every public enterprise's stored document is what the database now makes of it, and only they have one."""
    stored = dict(EnterpriseDocument.objects.values_list("enterprise_id", "body"))
    public = Enterprise.objects.public().values_list("pk", flat=True)
    assert stored and set(stored) == set(public)
    assert stored == enterprise_documents(stored)


def api_record(client, name: str) -> dict:
    [record] = [r for r in client.get("/api/enterprises/", {"q": name}).json()["results"] if r["name"] == name]
    return record


def test_the_report_loads_with_a_document_for_every_public_enterprise(report):
    assert Enterprise.objects.public().count() == 100
    assert_documents_true()


def test_an_enterprise_changed_by_the_service_shows_at_once(client, report):
    enterprise = Enterprise.objects.get(name=XIMALAYA)
    enterprise_update(enterprise, name_en="Ximalaya", aliases="喜马拉雅\n喜马拉雅FM")
    assert_documents_true()
    record = api_record(client, XIMALAYA)
    assert (record["name_en"], record["aliases"]) == ("Ximalaya", ["喜马拉雅", "喜马拉雅FM"])


def test_a_list_entry_moved_to_another_serial_shows_at_once(client, report):
    enterprise = Enterprise.objects.get(name=XIMALAYA)
    entry = enterprise.memberships.get()
    # Serials stay unique on a list: take the last one's place after moving it on.
    list_membership_set(enterprise=enterprise, year=2022, serial=500)
    assert_documents_true()
    assert api_record(client, XIMALAYA)["memberships"][0]["serial"] == 500 != entry.serial


def test_an_enterprise_the_public_no_longer_sees_loses_its_document(client, report):
    entry = Enterprise.objects.get(name=XIMALAYA).memberships.get()
    records_move(ListMembership.objects.filter(pk=entry.pk), to=Status.DRAFT, user=make_reviewer())
    assert_documents_true()
    assert not EnterpriseDocument.objects.filter(enterprise__name=XIMALAYA).exists()
    assert client.get("/api/enterprises/", {"q": XIMALAYA}).json()["count"] == 0


def test_case_studies_follow_their_publication_a_move_and_a_delete(client, report):
    reviewer = make_reviewer()
    case = CaseStudy.objects.select_related("enterprise").filter(status=Status.PUBLISHED).first()
    name = case.enterprise.name
    assert [c["report_year"] for c in api_record(client, name)["case_studies"]] == [case.report_year]

    records_move(CaseStudy.objects.filter(pk=case.pk), to=Status.DRAFT, user=reviewer)
    assert_documents_true()
    assert api_record(client, name)["case_studies"] == []

    records_move(CaseStudy.objects.filter(pk=case.pk), to=Status.PUBLISHED, user=reviewer)
    other = Enterprise.objects.public().exclude(case_studies__isnull=False).first()
    case.refresh_from_db()
    case.enterprise = other
    case.save()
    assert_documents_true()
    assert api_record(client, name)["case_studies"] == []
    assert [c["serial"] for c in api_record(client, other.name)["case_studies"]] == [case.serial]

    case.delete()
    assert_documents_true()
    assert api_record(client, other.name)["case_studies"] == []


def test_a_notice_and_a_lists_year_show_as_they_are_changed(client, report):
    reviewer = make_reviewer()
    records_move(ListMembership.objects.all(), to=Status.DRAFT, user=reviewer)
    notice = open_notice(ListMembership.objects.all(), reviewer)
    assert api_record(client, XIMALAYA)["memberships"][0]["notice"]["title"] == "2022年名单公示"

    notice.title, notice.ends_on = "2022年名单公示（延期）", datetime.date(2023, 1, 31)
    notice.save()
    annual_list = AnnualList.objects.get(year=2022)
    annual_list.year = 2021
    annual_list.save()
    assert_documents_true()
    entry = api_record(client, XIMALAYA)["memberships"][0]
    assert (entry["year"], entry["notice"]["title"], entry["notice"]["ends_on"]) == (2021, notice.title, "2023-01-31")


def test_imports_of_enterprises_and_case_studies_keep_the_documents(client, report):
    [(_, _, kind, region, volume)] = [row for row in case_studies_6_1() if row[1] == XIMALAYA]
    named = run("enterprises", csv_bytes(["企业名称", "业务类型", "所属区域", "英文名称"], [(XIMALAYA, kind, region, "Ximalaya Inc.")]))
    rows = [(*row[:4], Decimal("123.45")) if row[1] == XIMALAYA else row for row in case_studies_6_1()]
    cases = run("case_studies", csv_bytes(HEADERS_6_1, rows))
    assert (named.summary_line(), cases.summary_line()) == ("new=0 updated=1 unchanged=0 errors=0", "new=0 updated=1 unchanged=14 errors=0")
    assert volume != Decimal("123.45")
    assert_documents_true()
    record = api_record(client, XIMALAYA)
    assert (record["name_en"], record["case_studies"][0]["trade_volume"]) == ("Ximalaya Inc.", "123.45")


def test_a_missing_document_is_built_for_the_page_and_reported(client, report, caplog):
    expected = api_record(client, XIMALAYA)
    EnterpriseDocument.objects.filter(enterprise__name=XIMALAYA).delete()
    with caplog.at_level(logging.WARNING, logger="enterprises.api.documents"):
        assert api_record(client, XIMALAYA) == expected
    assert "without a stored API document" in caplog.text


def test_migrate_gives_every_public_enterprise_without_a_document_its_document(report):
    EnterpriseDocument.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert_documents_true()
    assert enterprise_documents_fill() == 0


def test_refresh_documents_rewrites_them_all_after_a_write_by_hand(report, settings):
    from io import StringIO

    # SQL by hand, and a new time zone: what no write path of the registry sees.
    EnterpriseDocument.objects.filter(enterprise__name=XIMALAYA).update(body='{"slug":"stale"}')
    settings.TIME_ZONE = "UTC"
    output = StringIO()
    call_command("refresh_documents", stdout=output)
    assert output.getvalue().strip() == "100 documents written."
    assert_documents_true()
    document = EnterpriseDocument.objects.get(enterprise__name=XIMALAYA).body
    assert '"slug":"shanghaiximalayakeji"' in document and "+08:00" not in document
