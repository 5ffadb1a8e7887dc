"""The server side of the load and fault benches: a fresh database with the demo corpus and analysts,
gunicorn started on a spare loopback port, its workers and their memory.

Used by bench/load.py, bench/faults.py and bench/import_articles.py; not a benchmark itself.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-password"
SECRET_KEY = "load-test-secret-key-" + "x" * 40


def server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain http on loopback: no redirect to https (the cookies stay Secure; the clients keep them).
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "marginalia.settings",
        "MARGINALIA_SUGGESTIONS": os.environ.get("MARGINALIA_SUGGESTIONS", "1"),
    }


def fresh_database(database_url: str) -> None:
    """Drop and create the PostgreSQL database (or remove the SQLite file) named by the URL."""
    parts = urlsplit(database_url)
    if parts.scheme.startswith("sqlite"):
        Path(parts.path[1:] if parts.path.startswith("//") else parts.path).unlink(missing_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(database_url: str) -> None:
    os.environ.update(server_env(database_url))
    import django

    django.setup()


def prepare(database_url: str, analysts: int) -> list[str]:
    """Migrate, load the demo corpus and vocabulary, create the analysts; their usernames."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from annotations.management.commands.load_demo import CORPUS_DIR, VOCABULARY_FILE
    from annotations.vocabulary import load_vocabulary
    from corpus.importers import import_paths

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    owner, _ = User.objects.get_or_create(username="load-owner")
    import_paths([CORPUS_DIR], user=owner)
    load_vocabulary(VOCABULARY_FILE, user=owner)
    password = make_password(PASSWORD)  # one hash for all: creating fifty users stays quick
    names = [f"load-analyst-{n:03d}" for n in range(analysts)]
    for name in names:
        User.objects.get_or_create(username=name, defaults={"password": password})
    return names


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(database_url: str, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = spare_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "marginalia.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
    ]
    server = subprocess.Popen(
        command, cwd=ROOT, env=server_env(database_url), stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(url + "/login/", timeout=2).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"gunicorn did not start; see {log}")


def gunicorn_workers(master: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(stat.parent.name))
    return children


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def pss_mb(pids: list[int]) -> float:
    """Proportional set size summed (shared pages divided among the processes sharing them): what
    the processes together really hold, unlike RSS summed, which counts shared pages once per process."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(f"Refusing {url}: the load test only targets loopback addresses.")


def machine_cpu() -> tuple[float, float]:
    """The machine's busy and total CPU time so far, all cores (/proc/stat: total less idle and I/O
    wait), in clock ticks: between two readings, how busy the whole machine was."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far: what the server spent, whatever else
    the machine was doing meanwhile."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def database_pids(database_url: str) -> list[int]:
    """The PostgreSQL backends serving this database (none for SQLite): their CPU is the database's
    share of each request."""
    parts = urlsplit(database_url)
    if not parts.scheme.startswith("postgres"):
        return []
    import psycopg

    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin) as connection:
        rows = connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]).fetchall()
    return [pid for (pid,) in rows]


class HttpAnalyst:
    """An analyst at the server over plain HTTP, logged in through the login form."""

    def __init__(self, url: str, username: str) -> None:
        self.url, self.username = url, username
        self.cookies: dict[str, str] = {}
        self.http = httpx.Client(base_url=url, timeout=60, follow_redirects=False)

    def _headers(self, htmx: bool = False) -> dict[str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if htmx:
            headers |= {"HX-Request": "true", "X-CSRFToken": self.cookies.get("csrftoken", "")}
        return headers

    def _keep_cookies(self, response: httpx.Response) -> None:
        # Cookies are kept by hand: with DEBUG off they are Secure, which a client keeps off plain http.
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def log_in(self, password: str = PASSWORD) -> None:
        page = self.http.get("/login/")
        self._keep_cookies(page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        response = self.http.post(
            "/login/",
            data={"username": self.username, "password": password, "csrfmiddlewaretoken": token},
            headers=self._headers() | {"Referer": self.url + "/login/"},
        )
        self._keep_cookies(response)
        if response.status_code != 302:
            raise SystemExit(f"{self.username} could not log in ({response.status_code})")
