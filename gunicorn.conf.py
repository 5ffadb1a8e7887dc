"""gunicorn for Marginalia: `.venv/bin/gunicorn -c gunicorn.conf.py` (with the production environment:
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL; see README).

The master loads the app (preload_app) and warms it before any worker exists: the spaCy pipeline, the
URL patterns and every view module, every template (compiled, partials included), the translation
catalogue, and the vocabulary matchers (`annotations.suggestions.warm`). The
workers are forked from it and so start warm, each opening its database connection as it starts: the
first request of a new worker costs what any other does. They also share the master's memory pages
until they write to them; `gc.freeze()` before the fork keeps the garbage collector from touching,
and so copying, the objects loaded at start.

Each worker logs its memory once it is up: resident (RSS, counting shared pages in full) and
proportional (PSS, shared pages divided among the processes sharing them). The sum of PSS over the
master and the workers is what the server really uses.

Environment: PORT or BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (workers, default 5),
GUNICORN_TIMEOUT (seconds, default 30).
"""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

wsgi_app = "marginalia.wsgi:application"
bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
preload_app = True
# No access log of gunicorn's: the app writes one line per request (ops/requestlog.py: id, method,
# path, status, ms, user, address), and gunicorn's second line cost each save 1.6 ms of CPU (A/B at 4
# clients, 2026-11-29: 131-144 saves/s with it, 152-167 without). Errors to stderr.
accesslog = None
errorlog = "-"


def warm_up() -> list[str]:
    """Load and build, once in the master, what the first request would otherwise pay for. Returns
    what was warmed, for the log."""
    from django.conf import settings
    from django.db import connections
    from django.template import engines
    from django.urls import get_resolver, reverse
    from django.utils import translation

    from corpus.nlp import pipeline

    warmed = []
    pipeline()
    warmed.append("spaCy pipeline")
    resolver = get_resolver()
    resolver.resolve("/")  # compiles the patterns; importing the urlconf imported every view
    reverse("login")  # builds the tables every {% url %} reads (about 100 ms, else on the first page)
    warmed.append("URLs")
    translation.activate(settings.LANGUAGE_CODE)
    translation.deactivate()
    warmed.append("translations")
    count = 0
    for engine in engines.all():
        for directory in _template_dirs(engine):
            for path in sorted(directory.rglob("*.html")):
                engine.get_template(path.relative_to(directory).as_posix())
                count += 1
    warmed.append(f"{count} templates")
    from annotations.suggestions import warm

    # The vocabulary compiled for the suggestions (False, and left to the first reader, before migrate).
    if warm():
        warmed.append("vocabulary matchers")
    from django.contrib.auth import get_backends

    get_backends()  # imports ops.auth, whose user query is among those compiled next
    from ops.compiled import warm as compile_queries

    warmed.append(f"{compile_queries()} compiled queries")
    # A connection opened while warming must not be shared by the forked workers.
    connections.close_all()
    return warmed


def _template_dirs(engine) -> list[Path]:
    from django.apps import apps

    dirs = [Path(d) for d in engine.dirs]
    if engine.app_dirs:
        dirs += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    return [d for d in dirs if d.is_dir()]


def memory_kb(pid: int | str = "self") -> dict[str, int]:
    """RSS and PSS of a process in kB (Linux: /proc/PID/smaps_rollup); empty where unavailable."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return {}
    fields = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name in ("Rss", "Pss"):
            fields[name.lower()] = int(value.split()[0])
    return fields


def on_starting(server) -> None:
    began = time.perf_counter()
    warmed = warm_up()
    memory = memory_kb()
    server.log.info(
        "Warmed up in %.0f ms (%s); master RSS %.0f MB",
        (time.perf_counter() - began) * 1000,
        ", ".join(warmed),
        memory.get("rss", 0) / 1024,
    )
    # What was loaded so far lives as long as the process: keep the collector off it, so that the
    # workers share its pages instead of copying them.
    gc.freeze()


def post_worker_init(worker) -> None:
    # The worker's own database connection, opened now rather than by its first request (it is kept:
    # CONN_MAX_AGE). A database not up yet is not fatal: the first request will try again.
    from django.db import DatabaseError, connections

    try:
        connections["default"].ensure_connection()
    except DatabaseError as error:
        worker.log.warning("Worker %s: no database connection yet (%s)", worker.pid, error)
    memory = memory_kb()
    if memory:
        worker.log.info(
            "Worker %s ready: RSS %.0f MB, PSS %.0f MB",
            worker.pid,
            memory["rss"] / 1024,
            memory["pss"] / 1024,
        )
