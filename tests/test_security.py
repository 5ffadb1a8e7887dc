"""Safe to put on a server (issue 7, items 5–7): login throttling, HTTPS settings, no demo in production."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from annotations.management.commands.load_demo import DEMO_PASSWORD, DEMO_USERNAME
from corpus.models import Article
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
# The production environment the README documents ("Production").
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "marginalia.example.org",
    "DJANGO_SETTINGS_MODULE": "marginalia.settings",
}


# Set by tests/conftest.py for Playwright; a real deployment never has it (check --deploy warns).
NOT_INHERITED = {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_in(env: dict[str, str]) -> dict:
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
    ]
    # The settings module alone, as the server evaluates it (no app needs loading to read it).
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    result = python("-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def log_in(client: Client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


# --- Login throttling (django-axes) -------------------------------------------------------------------


def test_the_eleventh_login_after_ten_failures_is_locked_out_with_a_clear_message(client, alice):
    for attempt in range(9):
        response = log_in(client, "alice", "wrong")
        assert response.status_code == 200, attempt
        assert "Please enter a correct username and password" in response.content.decode()
    tenth = log_in(client, "alice", "wrong")
    assert tenth.status_code == 429

    eleventh = log_in(client, "alice", PASSWORD)  # the right password, too late

    html = eleventh.content.decode()
    assert eleventh.status_code == 429
    assert "Too many failed log-ins for “alice” from this address" in html
    assert "locked for 15 minutes" in html
    assert 'name="username"' in html and 'value="alice"' in html  # still our login page
    assert client.get("/").status_code == 302  # not logged in


def test_nine_failures_then_the_right_password_logs_in(client, alice):
    for _ in range(9):
        log_in(client, "alice", "wrong")
    assert log_in(client, "alice", PASSWORD).status_code == 302
    assert client.get("/").status_code == 200


def test_a_lockout_is_per_username_and_address(client, alice, bob):
    for _ in range(10):
        log_in(client, "alice", "wrong")
    assert log_in(Client(), "bob", PASSWORD).status_code == 302  # another analyst, same address
    other_address = Client(REMOTE_ADDR="10.9.8.7")
    assert log_in(other_address, "alice", PASSWORD).status_code == 302  # alice, from elsewhere


def test_the_unlock_command_lets_alice_back_in(client, alice):
    for _ in range(10):
        log_in(client, "alice", "wrong")
    assert log_in(client, "alice", PASSWORD).status_code == 429
    out = io.StringIO()
    call_command("axes_reset_username", "alice", stdout=out)
    assert "attempts removed" in out.getvalue()
    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_lockouts_are_listed_in_the_admin(client, alice):
    for _ in range(10):
        log_in(client, "alice", "wrong")
    admin = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    admin_client = Client()
    admin_client.force_login(admin)
    response = admin_client.get("/admin/axes/accessattempt/")
    assert response.status_code == 200
    assert "alice" in response.content.decode()


# --- HTTPS and production settings ----------------------------------------------------------------------


def test_check_deploy_reports_no_warnings_in_the_documented_production_environment():
    result = python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_clean_behind_a_proxy_too():
    env = {**PRODUCTION, "BEHIND_PROXY": "1"}
    result = python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_cookies_are_secure_and_https_is_enforced():
    values = settings_in(PRODUCTION)
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # opt-in only
    assert settings_in({**PRODUCTION, "BEHIND_PROXY": "1"})["SECURE_PROXY_SSL_HEADER"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_development_needs_no_https():
    values = settings_in({"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "marginalia.settings"})
    assert not values["SESSION_COOKIE_SECURE"] and not values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] == 0


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_behind_the_proxy_https_is_recognised_and_plain_http_redirected(db):
    plain = Client().get("/login/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/login/"
    through_tls = Client().get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert through_tls.status_code == 200
    assert through_tls["Strict-Transport-Security"].startswith("max-age=31536000")


# --- load_demo in production ------------------------------------------------------------------------------


def test_load_demo_refuses_with_debug_off(db):
    with pytest.raises(CommandError, match="DEBUG is off") as refusal:
        call_command("load_demo", stdout=io.StringIO())
    assert "--allow-production" in str(refusal.value)
    assert not User.objects.filter(username=DEMO_USERNAME).exists()
    assert not Article.objects.exists()


def test_load_demo_in_production_sets_a_generated_password_it_prints_once(db):
    out = io.StringIO()
    call_command("load_demo", "--allow-production", stdout=out)
    analyst = User.objects.get(username=DEMO_USERNAME)
    line = next(line for line in out.getvalue().splitlines() if line.startswith("Demo login:"))
    password = line.split(" / ")[1].split(" ")[0]
    assert analyst.check_password(password) and not analyst.check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD not in out.getvalue()
    again = io.StringIO()
    call_command("load_demo", "--allow-production", stdout=again)
    assert password not in again.getvalue()
    assert "existing account; its password was left as it is" in again.getvalue()


def test_load_demo_never_prints_a_password_it_did_not_set(db):
    User.objects.create_user(DEMO_USERNAME, password="our-own-secret-pass")
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    assert DEMO_PASSWORD not in out.getvalue()
    assert "Demo login: analyst (existing account; its password was left as it is)" in out.getvalue()
    assert User.objects.get(username=DEMO_USERNAME).check_password("our-own-secret-pass")
