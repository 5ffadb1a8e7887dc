"""The real worker: django-tasks-db's queue in the test database and `manage.py db_worker` in a process
of its own, as production runs them. A worker killed with SIGKILL in the middle of an import leaves
every file's articles all stored or not at all; the job, resumed, finishes without duplicates."""

from __future__ import annotations

import json
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from corpus.importers.jobs import start_import_job
from corpus.models import Article
from jobs.models import Job, JobUpload
from tests.worker_helpers import DATABASE_QUEUE, run_worker_until_idle, worker

pytestmark = pytest.mark.django_db(transaction=True)

PARAGRAPH = (
    "Officials in Baghdad said the strike near the airport killed several people, and that the "
    "government would ask parliament to review the presence of foreign troops in the country."
)


def jsonl_file(name: str, file_number: int, rows: int) -> SimpleUploadedFile:
    lines = [
        json.dumps(
            {
                "title": f"File {file_number} article {n}",
                "text": f"Article {file_number}-{n}.\n\n" + PARAGRAPH * 6,
            }
        )
        for n in range(rows)
    ]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode())


def test_the_worker_command_runs_an_upload_and_then_its_analysis(alice_client, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.MARGINALIA_IMPORT_STORE_HERE_BYTES = 0  # the worker's path: a small upload is stored at once
    response = alice_client.post(
        "/import/", {"files": [jsonl_file("a.jsonl", 1, 3), jsonl_file("b.jsonl", 2, 2)]}
    )
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == "queued" and not Article.objects.exists(), "the page answered before any import"

    run_worker_until_idle()

    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.imported) == ("done", 2, 2, 5)
    assert Article.objects.count() == 5
    assert not Article.objects.analysing().exists(), "the worker ran the analysis the import queued"
    assert all(article.sentence_starts for article in Article.objects.all())


def test_a_worker_killed_mid_import_leaves_whole_files_and_a_resumed_job_finishes_without_duplicates(
    alice, settings
):
    settings.TASKS = DATABASE_QUEUE
    settings.MARGINALIA_JOB_STALE_SECONDS = 0
    files, rows = 8, 100
    job = start_import_job([jsonl_file(f"part{i}.jsonl", i, rows) for i in range(files)], alice)

    process = worker("--interval", "0.05")
    deadline = time.monotonic() + 120
    try:
        while not JobUpload.objects.filter(job=job, done=True).exists():
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "the worker never finished a file"
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    job.refresh_from_db()
    assert job.status == "running" and job.done < files, "killed before the end: the test needs bigger files"
    stored_files = set(JobUpload.objects.filter(job=job, done=True).values_list("position", flat=True))
    for position in range(files):
        stored = Article.objects.filter(title__startswith=f"File {position} article ").count()
        assert stored == (rows if position in stored_files else 0), (
            f"file {position}: {stored} of {rows} articles"
        )
    assert job.imported == rows * len(stored_files)

    call_command("resume_jobs", verbosity=0)
    run_worker_until_idle()

    job.refresh_from_db()
    assert (job.status, job.done, job.imported, job.duplicates, job.refused) == (
        "done",
        files,
        files * rows,
        0,
        0,
    )
    assert len(job.results) == files * rows
    assert Article.objects.count() == files * rows
    assert not Article.objects.analysing().exists()
    assert not JobUpload.objects.exists()
