"""gunicorn.conf.py: the master loads and warms the app before forking its workers, and each worker
reports its memory. One test starts the real server."""

from __future__ import annotations

import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

CONF = Path(settings.BASE_DIR) / "gunicorn.conf.py"


def test_the_config_preloads_logs_errors_and_reads_workers_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("PORT", "8123")
    conf = runpy.run_path(str(CONF))
    assert conf["preload_app"] is True and conf["workers"] == 3 and conf["bind"] == "127.0.0.1:8123"
    assert conf["accesslog"] is None, "one line per request is the app's own (ops/requestlog.py)"
    assert conf["errorlog"] == "-" and conf["wsgi_app"] == "marginalia.wsgi:application"


@pytest.mark.django_db
def test_warming_up_builds_the_pipeline_the_vocabulary_and_compiles_every_template(monkeypatch):
    from annotations import suggestions
    from corpus.nlp import pipeline

    monkeypatch.setattr(suggestions, "_compiled", None)  # as in a new process
    warmed = runpy.run_path(str(CONF))["warm_up"]()
    assert pipeline.cache_info().currsize == 1
    assert "vocabulary matchers" in warmed and suggestions._compiled is not None
    templates = next(item for item in warmed if item.endswith(" templates"))
    html_files = list((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
    assert int(templates.split()[0]) >= len(html_files) > 10


def test_memory_is_read_from_proc():
    memory = runpy.run_path(str(CONF))["memory_kb"]()
    if not Path("/proc/self/smaps_rollup").exists():
        pytest.skip("no /proc/self/smaps_rollup (not Linux): memory is not reported")
    assert memory["rss"] >= memory["pss"] > 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the server runs on its own SQLite database whatever the suite's: once, in the SQLite run",
)
def test_the_server_warms_up_once_and_its_workers_report_their_memory(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marginalia.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "1",
        "WEB_CONCURRENCY": "2",
        "PORT": str(free_port()),
    }
    root = Path(settings.BASE_DIR)
    # No migrate: the login page reads nothing from the database, and the warm-up leaves the
    # vocabulary to the first reader when there are no tables yet (a Django start saved here).
    gunicorn = Path(sys.executable).parent / "gunicorn"
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        server = subprocess.Popen([str(gunicorn), "-c", str(CONF)], cwd=root, env=env, stdout=out, stderr=out)
    try:
        deadline = time.time() + 60
        while log.read_text().count("ready: RSS") < 2 and time.time() < deadline and server.poll() is None:
            time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{env['PORT']}/login/", timeout=10) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    assert text.count("Warmed up in") == 1 and "spaCy pipeline" in text  # in the master, once
    assert text.count("ready: RSS") == 2 and "method=GET path=/login/ status=200" in text  # the app's line
