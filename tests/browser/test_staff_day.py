"""
An editor's and a reviewer's day in the admin, in a real browser at desktop and phone
width (issue 15): sign in, see the workbench, import a spreadsheet with an error and a
likely duplicate, fix it and import again, decide the duplicate, put the new list under
public notice, publish it and see its edition on the public site.

With SHDT_SCREENSHOTS set to a folder (`make screenshots` sets docs/screenshots), the
pages the README shows are saved there; otherwise they are taken into the test's own
temporary folder, so that the code that takes them runs in every test run.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from enterprises.models import AnnualList, Enterprise, ListEdition, ListMembership
from shdt.core.models import ImportRecord, Status
from tests.sheets import xlsx_bytes

pytestmark = pytest.mark.browser

PASSWORD = "pw-for-a-staff-day"
HEADERS = ["序号", "企业名称", "业务类型", "所属区域"]
NEW_NAME = "上海浦江示范数字科技有限公司"
FIXED_NAME = "上海云帆示范信息技术有限公司"
# The report's own trap: 表 3-3 registers 博彦科技（上海）有限公司; a file drops the region mark.
DUPLICATE = "博彦科技有限公司"
REGISTERED = "博彦科技（上海）有限公司"

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def sheet(region_of_row_3: str) -> bytes:
    return xlsx_bytes(
        HEADERS,
        [
            (1, NEW_NAME, "数字服务", "浦东"),
            (2, FIXED_NAME, "云服务", region_of_row_3),
            (3, DUPLICATE, "数字服务", "浦东"),
        ],
    )


def staff(username: str, role: str) -> None:
    os.environ["SHDT_STAFF_PASSWORD"] = PASSWORD
    try:
        call_command("create_staff", username, "--role", role, verbosity=0)
    finally:
        del os.environ["SHDT_STAFF_PASSWORD"]


def sign_in(page: Page, site: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#site-name")).to_contain_text("上海数字贸易创新企业名录")


def upload(page: Page, site: str, content: bytes, tmp_path: Path, name: str) -> None:
    page.goto(f"{site}/admin/shdt/importrecord/")
    page.get_by_role("link", name="导入表格").click()
    page.locator("select[name=kind]").select_option("enterprises")
    page.locator("input[name=list_year]").fill("2023")
    path = tmp_path / name
    path.write_bytes(content)
    page.locator("input[name=file]").set_input_files(str(path))
    page.get_by_role("button", name="检查文件").click()


def select_all_and_act(page: Page, action: str) -> None:
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(action)
    page.locator("button[name=index]").click()


@pytest.mark.parametrize("width", VIEWPORTS)
def test_an_editor_and_a_reviewer_take_a_list_from_spreadsheet_to_edition(page: Page, site, tmp_path, shots, width):
    page.set_viewport_size(VIEWPORTS[width])
    staff("editor", "editor")
    staff("reviewer", "reviewer")
    registered = Enterprise.objects.get(name=REGISTERED)

    # The editor signs in to the workbench.
    sign_in(page, site, "editor")
    expect(page.locator("#content h1")).to_contain_text("名录工作台")

    # A file with an unknown district: the preview names the row, the column and the value; nothing is written.
    upload(page, site, sheet("外滩"), tmp_path, "list-2023.xlsx")
    problems = page.locator("#content")
    expect(problems).to_contain_text("第 3 行")
    expect(problems).to_contain_text("所属区域")
    expect(problems).to_contain_text("外滩")
    expect(page.locator("input[name=confirm]")).to_have_count(0)
    assert not AnnualList.objects.filter(year=2023).exists()

    # Fixed and checked again: the row without the region mark waits for a decision.
    upload(page, site, sheet("黄浦"), tmp_path, "list-2023-fixed.xlsx")
    similar = page.locator("#import-similar")
    expect(similar).to_contain_text(DUPLICATE)
    decision = similar.locator("select[name='decision-4']")
    decision.select_option(str(registered.pk))
    shots(page, f"import-duplicate-decision-{width}")
    with page.expect_navigation():
        page.locator("input[name=confirm]").click()
    record = ImportRecord.objects.latest("pk")
    assert record.status == ImportRecord.Status.DONE, record.errors
    entries = ListMembership.objects.filter(annual_list__year=2023).select_related("enterprise")
    assert sorted((e.serial, e.enterprise.name, e.status) for e in entries) == [
        (1, NEW_NAME, Status.DRAFT),
        (2, FIXED_NAME, Status.DRAFT),
        (3, REGISTERED, Status.DRAFT),
    ]
    assert Enterprise.objects.filter(name=DUPLICATE).count() == 0, "the duplicate joined the registered enterprise"

    # Back on the workbench, the editor's new drafts are counted, and the count leads to them.
    page.goto(f"{site}/admin/")
    shots(page, f"workbench-editor-{width}")
    drafts = page.locator("#workbench a", has_text="3").first
    expect(drafts).to_be_visible()

    # The reviewer puts the year's drafts under public notice and then publishes the list.
    sign_in(page, site, "reviewer")
    shots(page, f"workbench-reviewer-{width}")
    page.goto(f"{site}/admin/enterprises/listmembership/?annual_list__id__exact={entries[0].annual_list_id}")
    select_all_and_act(page, "open_notice")
    today = datetime.date.today()
    page.locator("input[name=title]").fill("2023年上海数字贸易创新企业名单公示")
    page.locator("input[name=starts_on]").fill(today.isoformat())
    page.locator("input[name=ends_on]").fill((today + datetime.timedelta(days=7)).isoformat())
    page.locator("input[name=contact]").fill("上海市商务委员会 021-00000000")
    page.locator("#content input[type=submit].default").click()
    expect(page.locator(".messagelist")).to_contain_text("公示")
    assert set(entries.values_list("status", flat=True)) == {Status.NOTICE}

    page.goto(f"{site}/admin/enterprises/annuallist/")
    page.locator("tr", has_text="2023").locator("input.action-select").check()
    page.locator("select[name=action]").select_option("publish_list")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("2023")
    edition = ListEdition.objects.get(annual_list__year=2023)
    assert (edition.number, edition.row_count) == (1, 3)
    assert set(entries.values_list("status", flat=True)) == {Status.PUBLISHED}

    # The public sees the edition, and the list with its three enterprises.
    page.context.clear_cookies()
    page.goto(f"{site}/lists/")
    section = page.locator("section#list-2023, section:has(#list-2023)").first
    expect(section).to_contain_text("2023")
    section.locator(f"a[href='{edition.get_absolute_url()}']").click()
    expect(page.locator("main")).to_contain_text("第 1 版")
    shots(page, f"edition-{width}")
    page.goto(f"{site}/enterprises/?list=2023")
    for name in (NEW_NAME, FIXED_NAME, REGISTERED):
        expect(page.locator("main")).to_contain_text(name)


def test_a_background_check_shows_its_phase_while_it_runs(page: Page, site, tmp_path, shots, settings, monkeypatch):
    """
    A file too large for the request is checked by the worker; its page shows the phase and
    the rows done so far while the check runs (here held halfway, so that the page can be
    seen mid-run), and reaches the preview when it ends.
    """
    import threading

    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from shdt.core.imports import progress as progress_module
    from shdt.core.tasks import import_record_task

    settings.IMPORT_FOREGROUND_MAX_BYTES = 1000
    staff("editor", "editor")
    rows = [(n, f"上海进度示范{n}号信息科技有限公司", "数字服务", "浦东") for n in range(1, 3001)]
    halfway, release = threading.Event(), threading.Event()
    send = progress_module.Progress.send

    def held_send(self):
        send(self)
        if self.phase and self.done >= 1000 and not halfway.is_set():
            halfway.set()
            release.wait(60)

    monkeypatch.setattr(progress_module.Progress, "send", held_send)

    sign_in(page, site, "editor")
    upload(page, site, xlsx_bytes(HEADERS, rows), tmp_path, "list-2023-large.xlsx")
    record = ImportRecord.objects.latest("pk")
    assert record.task_id and record.rows_done == 0, "a large file waits for the worker"
    expect(page.locator("#import-progress-text")).to_be_visible()

    task = DBTaskResult.objects.get(id=record.task_id)

    def work():
        try:
            import_record_task.call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"])
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert halfway.wait(60), "the check reported its progress"
        page.reload()
        text = page.locator("#import-progress-text")
        expect(text).to_contain_text("1,000")
        expect(text).to_contain_text("3,000")
        assert 0 < int(page.locator("#import-progress").get_attribute("value")) < int(page.locator("#import-progress").get_attribute("max"))
        shots(page, "import-progress-desktop")
    finally:
        release.set()
        worker.join(120)
    page.reload()
    expect(page.locator("input[name=confirm]")).to_be_visible()
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.PREVIEWED
