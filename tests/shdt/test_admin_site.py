"""
The admin reads as the registry's (issue 15): its name, the records first in the order of
the work, the system last and only for those who administer accounts, every section
named in the staff's language.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from shdt.core.roles import EDITOR

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


def sections(response) -> list[str]:
    """The index's section names, in their order."""
    return re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', response.content.decode())


def signed_in(client, django_user_model, *, superuser=False, group=None):
    user = django_user_model.objects.create_user("staffer", password="pw-for-tests-only", is_staff=True, is_superuser=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def test_the_admin_is_named_as_the_registry_in_chinese_and_english(client, django_user_model):
    signed_in(client, django_user_model, group=EDITOR)
    chinese = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "上海数字贸易创新企业名录 · 管理" in chinese and "Django" not in chinese
    english = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Shanghai Digital Trade Registry · Staff" in english and "Django site admin" not in english


def test_an_editor_sees_the_records_first_and_no_system_section(client, django_user_model):
    signed_in(client, django_user_model, group=EDITOR)
    names = sections(client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en"))
    assert names[0] == "Enterprises" and names.index("Enterprises") < names.index("Registry")
    for system in ("Accounts and roles", "Sign-in attempts", "Background tasks", "Axes", "Authentication and Authorization"):
        assert system not in names


def test_the_system_comes_last_named_in_the_staffs_language(client, django_user_model):
    signed_in(client, django_user_model, superuser=True)
    names = sections(client.get(INDEX, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert names[-6:] == ["账户与角色", "接口令牌", "身份验证器", "恢复码", "登录尝试", "后台任务"]
    assert "Axes" not in names and "Django_Tasks_Db" not in names


def test_the_imports_list_starts_an_import_and_names_its_tables(client, django_user_model):
    signed_in(client, django_user_model, group=EDITOR)
    changelist = reverse("admin:shdt_importrecord_changelist")
    html = client.get(changelist, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'href="{reverse("admin:shdt_importrecord_add")}" class="addlink">导入表格</a>' in html
    assert reverse("admin:shdt_importrecord_template", args=["enterprises"]) in html
    # The table filter names each table, not its code.
    assert '?kind=enterprises"' in html
    assert re.search(r'\?kind=enterprises"[^>]*>\s*企业', html)
    upload = client.get(reverse("admin:shdt_importrecord_add"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"At most [^<]* and \d{1,3}(,\d{3})+ rows", upload)
