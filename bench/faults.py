"""Faults: analysts at work while the database restarts and a gunicorn worker is killed with SIGKILL.

Starts its own PostgreSQL cluster (initdb in a temporary folder, run as the `postgres` OS user since
initdb refuses root, on a spare loopback port), a fresh database, and gunicorn (4 workers) on it; then N
analysts work as in bench/load.py (default 10, short pauses) for T seconds. A third of the way in, the
database is restarted (`pg_ctl restart -m fast`); two thirds in, one worker is killed with SIGKILL. Then
it checks, as load.py does, that every acknowledged save is in the database exactly once and in the CSV
export, and that no save answered "not saved" (`Marginalia-Saved: no`) was saved after all. Saves that
got no answer (the killed worker's) are counted: they may or may not be saved, and the reader says so.

One line. Measured 2026-11-28 20:54 UTC (load average 8–11, shared machine):

    faults: 10 analysts, 30 s, database restarted (2.1 s down) + worker 22950 killed: errors http 500 ×82,
    RemoteProtocolError ×1 (0 sent after the database was back), answered not saved 41, unanswered 0;
    checked 294 acknowledged saves: 0 lost, 0 duplicated, 0 missing from the CSV, 0 answered not saved
    but saved

    .venv/bin/python bench/faults.py [--analysts 10] [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402  (bench/load.py, beside this file)
import servers  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def as_postgres(*command: str) -> list[str]:
    """Run as the postgres OS user when we are root (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return list(command)
    return ["runuser", "-u", "postgres", "--", *command]


class Cluster:
    """A throwaway PostgreSQL cluster on a spare loopback port."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="marginalia-faults-"))
        self.data = self.dir / "data"
        self.port = servers.spare_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(
            as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"),
            check=True,
            capture_output=True,
        )
        self.pg_ctl("start")

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        subprocess.run(
            as_postgres(
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.dir / "pg.log"),
                "-w",
                action,
                *extra,
            ),
            check=True,
            capture_output=True,
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/marginalia_faults"

    def stop(self) -> None:
        subprocess.run(
            as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"),
            capture_output=True,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--analysts", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    seconds = min(args.seconds, load.MAX_SECONDS)
    cluster = Cluster()
    events: list[str] = []
    moments: dict[str, float] = {}  # perf_counter when the database was back, when the worker was killed
    server = None
    try:
        servers.fresh_database(cluster.url)
        servers.setup_django(cluster.url)
        usernames = servers.prepare(cluster.url, args.analysts)
        from django.db import connections

        connections.close_all()  # ours too must survive the restart: start from a fresh connection
        log = Path(tempfile.mkdtemp(prefix="marginalia-faults-log-")) / "gunicorn.log"
        server, url = servers.start_gunicorn(cluster.url, args.workers, log)

        def break_things(deadline: float) -> None:
            start = deadline - seconds
            time.sleep(max(0.0, start + seconds / 3 - time.monotonic()))
            began = time.perf_counter()
            cluster.pg_ctl("restart", "-m", "fast")
            moments["back"] = time.perf_counter()
            events.append(f"database restarted ({moments['back'] - began:.1f} s down)")
            time.sleep(max(0.0, start + 2 * seconds / 3 - time.monotonic()))
            victim = servers.gunicorn_workers(server.pid)[0]
            moments["kill"] = time.perf_counter()
            os.kill(victim, signal.SIGKILL)
            events.append(f"worker {victim} killed")

        outcome = load.run(url, usernames, seconds, args.think, hammer=False, during=break_things)
        connections.close_all()
        verdict = load.check(outcome)
        unknown_saved = sum(1 for what in outcome.unknown if what[0] == "note" and _note_exists(what[1]))
        # Requests sent once the database was back (and before the kill): CONN_HEALTH_CHECKS' part.
        # (The killed worker's requests fail without an answer, whenever they were sent: not counted.)
        after_restart = sum(
            1
            for at, kind in outcome.failures
            if kind.startswith("http") and moments["back"] < at < moments["kill"]
        )
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        cluster.stop()
    print(
        f"faults: {args.analysts} analysts, {seconds:.0f} s, {' + '.join(events)}: "
        f"errors {load.errors_text(outcome)} ({after_restart} sent after the database was back), "
        f"answered not saved {len(outcome.not_saved)}, "
        f"unanswered {len(outcome.unknown)} ({unknown_saved} of their notes saved); "
        f"checked {verdict['saves']} acknowledged saves: {verdict['lost']} lost, "
        f"{verdict['duplicated']} duplicated, {verdict['missing_from_csv']} missing from the CSV, "
        f"{verdict['not_saved_but_saved']} answered not saved but saved"
    )
    if (
        verdict["lost"]
        or verdict["duplicated"]
        or verdict["missing_from_csv"]
        or verdict["not_saved_but_saved"]
    ):
        sys.exit(1)


def _note_exists(text: str) -> bool:
    from annotations.models import Note

    return Note.objects.filter(text=text).exists()


if __name__ == "__main__":
    main()
