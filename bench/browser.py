"""Chromium against a production server of this checkout, logged in: the common start of the browser
benches (bench/reader.py, bench/claims.py). Not a benchmark itself.

The server is what a team runs: gunicorn with gunicorn.conf.py (preloaded and warmed, one worker: a
single analyst's saves), DEBUG off, static files collected and served by whitenoise, on a spare loopback
port and on the database the calling bench set up (it inherits DATABASE_URL); it stops when the block
ends. Plain http on loopback, so the cookies are not marked Secure and https is not enforced.
(Until 2026-11-29 it was `manage.py runserver` with DEBUG on, whose round trip for a claim save was 58 ms
where gunicorn's is 27 ms: the benches timed the development server, not the product.)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)


@contextmanager
def logged_in_page(username: str, password: str, *, timeout_ms: int) -> Iterator[tuple[object, str]]:
    """A Chromium page logged in as `username` through the login form, and the server's base URL."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "browser-bench-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "--verbosity", "0"],
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        base = f"http://127.0.0.1:{port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(timeout_ms)
            page.goto(f"{base}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            yield page, base
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
