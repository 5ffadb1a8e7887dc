"""The first requests of a new server process: does a fresh gunicorn answer its first page as fast as
its later ones (issue 13: the first request of a new process ≤ 200 ms, warm at start)?

A throwaway SQLite database with the demo corpus and vocabulary and one analyst (bench/servers.py), then
`--runs` times: gunicorn starts with gunicorn.conf.py (preloaded, warmed in the master, one worker,
DEBUG off), and as soon as the worker is up this times, over loopback HTTP, the first and second
`/login/`, the log-in itself (PBKDF2 on purpose: not what a warm start can save) and the first and
second reader page of the longest demo article. One line, medians over the runs:

    first request: /login/ 15 ms first, 5 ms second; reader 30 ms first, 15 ms second (log-in 369 ms,
    PBKDF2; target for a first request ≤ 200 ms); 3 new servers, load average 1.3

Measured 2026-11-29 03:19 UTC, nothing else running (load average 1.3): the line above. Target ≤ 200 ms:
met. An earlier probe a minute before (03:18, load 1.7, 3 servers): first /login/ 13–19 ms (second
3–7 ms), first reader page 44–67 ms (second 30–45 ms), log-in 263–384 ms.

    .venv/bin/python bench/first_request.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from servers import PASSWORD, prepare, server_env, setup_django, spare_port  # noqa: E402


def cookies_of(response: httpx.Response, into: dict[str, str]) -> dict[str, str]:
    """Cookies kept by hand: with DEBUG off they are Secure, which a client keeps off plain http."""
    for header in response.headers.get_list("set-cookie"):
        name, value = header.split(";", 1)[0].split("=", 1)
        into[name] = value
    return into


def one_server(database_url: str, username: str, article_id: int, log: Path) -> dict[str, float]:
    port = spare_port()
    env = server_env(database_url) | {"BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while "Booting worker" not in log.read_text():  # the worker is forked: the next request is its first
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"gunicorn did not start; see {log}")
            time.sleep(0.01)
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        cookies: dict[str, str] = {}

        def timed(method: str, path: str, **kwargs) -> tuple[float, httpx.Response]:
            jar = "; ".join(f"{k}={v}" for k, v in cookies.items())
            headers = {"Cookie": jar, **kwargs.pop("headers", {})}
            for _ in range(500):  # the worker may still be importing: wait for it to accept
                began = time.perf_counter()
                try:
                    response = http.request(method, path, headers=headers, **kwargs)
                    break
                except httpx.ConnectError:
                    time.sleep(0.01)
            cookies_of(response, cookies)
            return (time.perf_counter() - began) * 1000, response

        times = {}
        times["login_first"], page = timed("GET", "/login/")
        times["login_second"], page = timed("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        data = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        referer = {"Referer": f"http://127.0.0.1:{port}/login/"}
        times["log_in"], answer = timed("POST", "/login/", data=data, headers=referer)
        if answer.status_code != 302:
            raise SystemExit(f"could not log in ({answer.status_code})")
        for key in ("reader_first", "reader_second"):
            times[key], page = timed("GET", f"/articles/{article_id}/")
            if page.status_code != 200:
                raise SystemExit(f"the reader answered {page.status_code}")
        return times
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="marginalia-bench-first-"))
    database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    setup_django(database_url)
    (username,) = prepare(database_url, 1)
    from corpus.models import Article

    article_id = max(Article.objects.all(), key=lambda a: len(a.body)).pk
    logs = [workdir / f"gunicorn-{n}.log" for n in range(args.runs)]
    runs = [one_server(database_url, username, article_id, log) for log in logs]

    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    print(
        f"first request: /login/ {median('login_first'):.0f} ms first, "
        f"{median('login_second'):.0f} ms second; "
        f"reader {median('reader_first'):.0f} ms first, {median('reader_second'):.0f} ms second "
        f"(log-in {median('log_in'):.0f} ms, PBKDF2; target for a first request ≤ 200 ms); "
        f"{args.runs} new servers, load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
