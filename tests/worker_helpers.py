"""The real task worker (django-tasks-db's db_worker) in a process of its own, on the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def database_url() -> str:
    """The URL of the database this test runs on (the test database, a file on SQLite)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker(*options: str) -> subprocess.Popen:
    """`manage.py db_worker` with the app's own settings (the database queue) on the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "marginalia.settings",
        "DEBUG": "1",
        # The analysis an import queues is due at once: `--batch` stops at a queue with nothing due.
        "MARGINALIA_ANALYSIS_DELAY_SECONDS": "0",
    }
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", *options]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def run_worker_until_idle(timeout: float = 120) -> str:
    """Run every queued task (`--batch`), as a worker would, and return what the worker printed."""
    process = worker("--batch", "--interval", "0")
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output
    return output
