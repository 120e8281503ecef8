"""Production hardening: the deployment check, the login throttle, CSP, errors logged not shown."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **extra) -> dict:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE belongs to tests, never to a deployment.
    left_out = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in left_out}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="registry.example.cn",
        CSRF_TRUSTED_ORIGINS="https://registry.example.cn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        **extra,
    )
    return env


def test_deployment_check_is_clean_under_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    env["SECRET_KEY"] = ""
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_cookies_are_https_only(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "shdt.settings"},
        capture_output=True,
        text=True,
    )
    # HSTS for this host only: subdomains and preloading are the whole domain's decision.
    assert result.stdout.split() == ["True", "True", "True", "31536000", "False", "False"], result.stderr


@pytest.mark.django_db
def test_pages_refuse_devices_and_payments_to_every_frame(client):
    policy = client.get(reverse("home"))["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_of_the_site_itself(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "http" not in policy  # no other host is allowed


@pytest.mark.django_db
def test_the_admin_login_locks_after_repeated_failures(client, django_user_model, settings):
    django_user_model.objects.create_superuser("staff", "staff@example.com", "right-password-123")
    login = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "staff", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    assert client.post(login, {"username": "staff", "password": "wrong"}).status_code == 429
    # Locked out: even the right password is refused until the cool-off ends.
    locked = client.post(login, {"username": "staff", "password": "right-password-123"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failures_for_one_username_lock_it_from_every_address(client, django_user_model, settings):
    # A guesser who spreads over addresses is still stopped: the username is locked by itself.
    django_user_model.objects.create_superuser("staff", "staff@example.com", "right-password-123")
    login = reverse("admin:login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "staff", "password": "wrong"}, REMOTE_ADDR=f"203.0.113.{n + 1}")
    locked = client.post(login, {"username": "staff", "password": "right-password-123"}, REMOTE_ADDR="198.51.100.7")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failures_from_one_address_lock_it_for_every_username(client, django_user_model, settings):
    # …and an address that tries many usernames is locked by itself, for all of them.
    django_user_model.objects.create_superuser("staff", "staff@example.com", "right-password-123")
    login = reverse("admin:login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": f"guess{n}", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    locked = client.post(login, {"username": "staff", "password": "right-password-123"}, REMOTE_ADDR="203.0.113.9")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The account itself is not locked: from another address it signs in.
    other = client.post(login, {"username": "staff", "password": "right-password-123"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_behind_trusted_proxies_the_lockout_counts_clients_not_the_proxy(client, django_user_model, settings):
    # Every request comes from the proxy: locking its address would lock every account.
    settings.NUM_PROXIES = 1
    django_user_model.objects.create_superuser("staff", "staff@example.com", "right-password-123")
    login = reverse("admin:login")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": f"guess{n}", "password": "wrong"}, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    locked = client.post(login, {"username": "staff", "password": "right-password-123"}, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    assert locked.status_code == 429
    other = client.post(login, {"username": "staff", "password": "right-password-123"}, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert other.status_code == 302


@pytest.mark.django_db
def test_a_correct_login_before_the_limit_works(client, django_user_model):
    django_user_model.objects.create_superuser("staff", "staff@example.com", "right-password-123")
    login = reverse("admin:login")
    client.post(login, {"username": "staff", "password": "wrong"})
    response = client.post(login, {"username": "staff", "password": "right-password-123", "next": "/admin/"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_errors_are_logged_and_not_shown(client, monkeypatch, caplog):
    from shdt import views

    def broken(self, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(views.HomeView, "get_context_data", broken)
    client.raise_request_exception = False
    response = client.get(reverse("home"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务暂时不可用" in html
    assert "database on fire" not in html and "Traceback" not in html
    assert any("database on fire" in str(record.exc_info) for record in caplog.records if record.exc_info)


@pytest.mark.django_db
def test_unknown_pages_get_a_helpful_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert reverse("enterprise_list") in response.content.decode()
