"""
Roles as a first-class choice: `manage.py create_staff` and the admin's user form give an
account exactly one role (and staff status with it); an account administrator (账户管理员)
gives roles but never more, and sees no record; the accounts made so can do what their
role is for and no more.
"""

import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse

from shdt.core.management.commands import create_staff
from shdt.core.models import Status
from shdt.core.roles import ACCOUNT_ADMIN, EDITOR, REVIEWER, ROLES, VIEWER, role_permissions, staff_role_set, user_role
from tests.factories import make_enterprise, put_on_list

pytestmark = pytest.mark.django_db

PASSWORD = "Kept-Out-Of-Lists-93"
USERS = reverse("admin:auth_user_changelist")
USER_ADD = reverse("admin:auth_user_add")
ENTERPRISES = reverse("admin:enterprises_enterprise_changelist")
MEMBERSHIPS = reverse("admin:enterprises_listmembership_changelist")
SLUGS = {"editor": EDITOR, "reviewer": REVIEWER, "viewer": VIEWER, "account-admin": ACCOUNT_ADMIN}


def signed_in(username, password):
    """The account the admin's sign-in would let in (through django-axes, which wants a request)."""
    return authenticate(RequestFactory().post("/admin/login/"), username=username, password=password)


def role_groups(user) -> set[str]:
    return set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))


def user_change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


@pytest.fixture
def password_from_env(monkeypatch):
    monkeypatch.setenv(create_staff.PASSWORD_VARIABLE, PASSWORD)


def create(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("create_staff", *args, stdout=out, **kwargs)
    return out.getvalue()


# --- create_staff --------------------------------------------------------------------


@pytest.mark.parametrize("slug", list(SLUGS))
def test_create_staff_makes_an_account_in_each_role(slug, password_from_env):
    out = create("zhang", "--role", slug, "--email", "zhang@example.com")
    user = get_user_model().objects.get(username="zhang")
    assert role_groups(user) == {SLUGS[slug]}
    assert user.is_staff and not user.is_superuser
    assert user.email == "zhang@example.com"
    assert signed_in("zhang", PASSWORD) == user
    assert "Created" in out and SLUGS[slug] in out


def test_create_staff_changes_an_existing_accounts_role_and_keeps_other_groups(password_from_env, monkeypatch):
    create("li", "--role", "editor")
    user = get_user_model().objects.get(username="li")
    other = Group.objects.create(name="通讯录")
    user.groups.add(other)

    monkeypatch.delenv(create_staff.PASSWORD_VARIABLE)
    out = create("li", "--role", "reviewer", "--email", "li@example.com")
    user.refresh_from_db()
    assert role_groups(user) == {REVIEWER}
    assert other in user.groups.all()
    assert user.email == "li@example.com"
    assert signed_in("li", PASSWORD) == user  # kept: none was given
    assert "Updated" in out


def test_create_staff_asks_the_password_twice_at_a_terminal(monkeypatch):
    monkeypatch.delenv(create_staff.PASSWORD_VARIABLE, raising=False)
    monkeypatch.setattr(create_staff, "stdin_is_terminal", lambda: True)
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr(create_staff.getpass, "getpass", lambda prompt="": next(answers))
    create("wang", "--role", "viewer")
    assert signed_in("wang", PASSWORD).groups.get().name == VIEWER


def test_create_staff_refuses_two_different_passwords(monkeypatch):
    monkeypatch.delenv(create_staff.PASSWORD_VARIABLE, raising=False)
    monkeypatch.setattr(create_staff, "stdin_is_terminal", lambda: True)
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr(create_staff.getpass, "getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="differ"):
        create("wang", "--role", "viewer")
    assert not get_user_model().objects.filter(username="wang").exists()


def test_create_staff_without_a_terminal_or_a_password_refuses(monkeypatch):
    monkeypatch.delenv(create_staff.PASSWORD_VARIABLE, raising=False)
    monkeypatch.setattr(create_staff, "stdin_is_terminal", lambda: False)
    with pytest.raises(CommandError, match=create_staff.PASSWORD_VARIABLE):
        create("wang", "--role", "viewer")
    assert not get_user_model().objects.filter(username="wang").exists()


def test_create_staff_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv(create_staff.PASSWORD_VARIABLE, "123")
    with pytest.raises(CommandError, match="refused"):
        create("zhao", "--role", "editor")
    assert not get_user_model().objects.filter(username="zhao").exists()


def test_create_staff_refuses_an_unknown_role(password_from_env):
    with pytest.raises(CommandError, match="editor, reviewer, viewer, account-admin"):
        create("zhao", "--role", "publisher")
    assert not get_user_model().objects.filter(username="zhao").exists()


def test_an_unknown_role_exits_nonzero_from_the_command_line(password_from_env, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit:
        ManagementUtility(["manage.py", "create_staff", "zhao", "--role", "publisher"]).execute()
    assert exit.value.code != 0
    assert "Unknown role" in capsys.readouterr().err


def test_create_staff_with_no_password_leaves_it_unusable(monkeypatch):
    monkeypatch.delenv(create_staff.PASSWORD_VARIABLE, raising=False)
    create("sun", "--role", "reviewer", "--no-password")
    user = get_user_model().objects.get(username="sun")
    assert not user.has_usable_password() and user.is_staff


def test_no_role_takes_staff_status_away_but_not_a_superusers():
    User = get_user_model()
    user = User.objects.create_user("zhou", password=PASSWORD)
    staff_role_set(user, EDITOR)
    assert user.is_staff
    staff_role_set(user, None)
    user.refresh_from_db()
    assert not user.is_staff and role_groups(user) == set()
    boss = User.objects.create_superuser("boss", password=PASSWORD)
    staff_role_set(boss, None)
    boss.refresh_from_db()
    assert boss.is_staff


def test_the_account_administrator_holds_no_record_permission():
    granted = role_permissions()[ACCOUNT_ADMIN]
    assert {"auth.add_user", "auth.change_user", "auth.view_user", "auth.view_group"} <= granted
    assert {"otp_totp.delete_totpdevice", "otp_static.delete_staticdevice", "authtoken.view_tokenproxy"} <= granted
    assert {name.split(".")[0] for name in granted} <= {"auth", "authtoken", "otp_totp", "otp_static"}
    assert "auth.delete_user" not in granted and "auth.change_group" not in granted
    group = Group.objects.get(name=ACCOUNT_ADMIN)
    assert {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()} == granted


# --- the admin's user form -----------------------------------------------------------


def change_form(user, **fields):
    return {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
        **fields,
    }


def add_form(username, role, **fields):
    return {
        "username": username,
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "email": f"{username}@example.com",
        "role": role,
        **fields,
    }


def test_the_user_form_sets_the_role_and_staff_status(staff_client):
    User = get_user_model()
    response = staff_client.post(USER_ADD, add_form("chen", REVIEWER))
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="chen")
    assert role_groups(user) == {REVIEWER} and user.is_staff

    other = Group.objects.create(name="通讯录")
    user.groups.add(other)
    form = staff_client.get(user_change_url(user)).context["adminform"].form
    assert form["role"].value() == REVIEWER
    # The superuser's groups widget ticks 审核员 and the other group; the role field says editor.
    ticked = [other.pk, Group.objects.get(name=REVIEWER).pk]
    response = staff_client.post(user_change_url(user), change_form(user, role=EDITOR, groups=ticked))
    assert response.status_code == 302
    user.refresh_from_db()
    assert role_groups(user) == {EDITOR} and user.is_staff
    assert other in user.groups.all()

    response = staff_client.post(user_change_url(user), change_form(user, role="", groups=[other.pk]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert role_groups(user) == set() and not user.is_staff


def test_the_user_list_shows_and_filters_by_role(staff_client, password_from_env):
    create("editor1", "--role", "editor")
    create("viewer1", "--role", "viewer")
    response = staff_client.get(USERS, {"role": EDITOR})
    assert [u.username for u in response.context["cl"].result_list] == ["editor1"]
    assert "录入员" in response.content.decode() or "Editor" in response.content.decode()
    response = staff_client.get(USERS, {"role": "none"})
    assert [u.username for u in response.context["cl"].result_list] == ["staff"]


# --- 账户管理员 (account administrator) --------------------------------------------------


@pytest.fixture
def account_admin_client(client, password_from_env):
    create("admin1", "--role", "account-admin")
    client.force_login(get_user_model().objects.get(username="admin1"))
    return client


def test_an_account_administrator_adds_a_user_with_a_role_but_no_superuser(account_admin_client):
    form = account_admin_client.get(USER_ADD).context["adminform"].form
    assert "role" in form.fields
    assert {"is_superuser", "groups", "user_permissions"}.isdisjoint(form.fields)

    everything = Group.objects.get(name=REVIEWER)
    response = account_admin_client.post(
        USER_ADD, add_form("qian", EDITOR, is_superuser="on", groups=[everything.pk], user_permissions=[1])
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="qian")
    assert not user.is_superuser and user.user_permissions.count() == 0
    assert role_groups(user) == {EDITOR} and user.is_staff
    assert signed_in("qian", PASSWORD) == user

    # Nor by changing an account, their own included.
    for account in (user, get_user_model().objects.get(username="admin1")):
        form = change_form(account, role=user_role(account), is_superuser="on")
        response = account_admin_client.post(user_change_url(account), form)
        assert response.status_code == 302
        account.refresh_from_db()
        assert not account.is_superuser


def test_an_account_administrator_cannot_change_a_superuser(account_admin_client):
    boss = get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    response = account_admin_client.post(user_change_url(boss), change_form(boss, role=""))
    assert response.status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[boss.pk])
    response = account_admin_client.post(password_url, {"password1": "Taken-Over-123", "password2": "Taken-Over-123"})
    assert response.status_code == 403
    assert signed_in("boss", PASSWORD) == boss


def test_an_account_administrator_cannot_change_an_account_with_more_than_a_role(account_admin_client):
    from django.contrib.auth.models import Permission

    strong = get_user_model().objects.create_user("strong", password=PASSWORD, is_staff=True)
    strong.user_permissions.add(Permission.objects.get(codename="publish_listmembership"))
    assert account_admin_client.post(user_change_url(strong), change_form(strong, role="")).status_code == 403
    strong.user_permissions.clear()
    assert account_admin_client.post(user_change_url(strong), change_form(strong, role=VIEWER)).status_code == 302
    strong.refresh_from_db()
    assert role_groups(strong) == {VIEWER}


def test_an_account_administrator_sees_no_record(account_admin_client):
    assert account_admin_client.get(ENTERPRISES).status_code == 403
    assert account_admin_client.get(MEMBERSHIPS).status_code == 403
    assert account_admin_client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 200


# --- what the accounts made so can do ------------------------------------------------


def test_a_viewer_made_by_create_staff_changes_nothing(client, password_from_env):
    create("viewer2", "--role", "viewer")
    client.force_login(get_user_model().objects.get(username="viewer2"))
    entry = put_on_list(make_enterprise("上海只读账户科技有限公司"), 2023, serial=1, status=Status.DRAFT)
    url = reverse("admin:enterprises_listmembership_change", args=[entry.pk])
    assert client.get(url).status_code == 200
    form = {"annual_list": entry.annual_list_id, "enterprise": entry.enterprise_id, "serial": 7, "source": ""}
    assert client.post(url, form).status_code == 403
    entry.refresh_from_db()
    assert entry.serial == 1


def test_an_editor_made_by_create_staff_cannot_publish(client, password_from_env):
    create("editor2", "--role", "editor")
    client.force_login(get_user_model().objects.get(username="editor2"))
    entry = put_on_list(make_enterprise("上海录入账户科技有限公司"), 2023, serial=1, status=Status.DRAFT)
    action_form = client.get(MEMBERSHIPS).context["action_form"]
    offered = set() if action_form is None else {name for name, _ in action_form.fields["action"].choices if name}
    assert "publish" not in offered
    client.post(MEMBERSHIPS, {"action": "publish", ACTION_CHECKBOX_NAME: [entry.pk]})
    entry.refresh_from_db()
    assert entry.status == Status.DRAFT
