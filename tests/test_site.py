"""Site-wide promises: login everywhere, htmx from our own static files, CSP, production refusals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "url",
    ["/", "/import/", "/vocabulary/", "/annotations/"],
)
def test_every_page_needs_a_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_in_the_apps_style(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b"css/marginalia.css" in response.content


def test_htmx_comes_from_our_static_files_and_csrf_sits_on_body(alice_client):
    html = alice_client.get("/").content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in html
    for cdn in ("unpkg.com", "jsdelivr", "cdnjs", "googleapis"):
        assert cdn not in html
    assert '<body hx-headers=\'{"X-CSRFToken": "' in html


def test_pages_carry_a_content_security_policy_without_inline_script(alice_client):
    response = alice_client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_logout_ends_the_session(alice_client):
    response = alice_client.post(reverse("logout"))
    assert response.status_code == 302
    assert alice_client.get("/").status_code == 302


def _start_django(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "marginalia.settings", **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_the_development_secret_key():
    result = _start_django(
        {"DEBUG": "0", "ALLOWED_HOSTS": "example.org", "SECRET_KEY": "dev-only-not-secret-marginalia"}
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_key_and_hosts():
    result = _start_django({"DEBUG": "0", "ALLOWED_HOSTS": "example.org", "SECRET_KEY": "k" * 50})
    assert result.returncode == 0, result.stderr


def test_production_needs_allowed_hosts():
    result = _start_django({"DEBUG": "0", "ALLOWED_HOSTS": "", "SECRET_KEY": "k" * 50})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr
