"""Uploads imported as jobs: the job page, its progress and report, the "analysing" step, owner-only
access and resuming. Tasks run immediately here (tests/settings.py) unless a test queues them
without running them (the dummy backend) to see the states in between; tests/test_jobs_worker.py
runs the real worker."""

from __future__ import annotations

import datetime as dt
import gc
import json
from dataclasses import asdict

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from annotations.export import stream
from annotations.models import Span, Term
from corpus.importers.jobs import run_import_job
from corpus.importers.reading import _read_bytes
from corpus.importers.saving import Importer
from corpus.models import Article
from corpus.signals import article_analysed
from jobs.models import Job, JobUpload

IMPORT = "/import/"
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def jsonl(*rows: dict) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def article_row(n: int) -> dict:
    return {
        "title": f"Strike report {n}",
        "text": f"Report {n}. The strike hit the base at dawn.\n\nNobody was hurt.",
    }


def upload(client, *files: SimpleUploadedFile, **extra):
    return client.post(IMPORT, {"files": list(files), **extra})


@pytest.fixture
def queued(settings):
    """Tasks are queued and not run: the job and the analysis wait as they would for a busy worker (every
    upload goes to the worker, however small)."""
    settings.TASKS = DUMMY
    settings.MARGINALIA_IMPORT_STORE_HERE_BYTES = 0


def queued_tasks() -> list[str]:
    from django_tasks import default_task_backend

    return [result.task.name for result in default_task_backend.results]


def test_a_small_upload_is_stored_before_the_answer_and_analysed_in_the_background(alice_client, settings):
    settings.TASKS = DUMMY  # a worker that has not run yet
    response = upload(alice_client, SimpleUploadedFile("rows.jsonl", jsonl(article_row(1), article_row(2))))
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.imported) == ("done", 2), "stored by the upload's own request"
    assert queued_tasks() == ["analyse"], "only the analysis waits for the worker"
    listing = alice_client.get("/").content.decode()
    assert "Strike report 1" in listing and listing.count("status-analysing") == 2


def test_an_upload_over_the_limit_waits_for_the_worker(alice_client, settings):
    settings.TASKS = DUMMY
    rows = SimpleUploadedFile("rows.jsonl", jsonl(article_row(1), article_row(2)))
    settings.MARGINALIA_IMPORT_STORE_HERE_BYTES = rows.size - 1
    upload(alice_client, rows)
    assert Job.objects.get().status == "queued" and not Article.objects.exists()
    assert queued_tasks() == ["run_import_job"]


def test_an_html_page_weighs_four_times_its_size(settings):
    from corpus.importers.jobs import stores_here

    page, text = SimpleUploadedFile("page.html", b"x" * 100), SimpleUploadedFile("page.txt", b"x" * 100)
    settings.MARGINALIA_IMPORT_STORE_HERE_BYTES = 399
    assert stores_here([text]) and not stores_here([page])
    settings.MARGINALIA_IMPORT_STORE_HERE_BYTES = 400
    assert stores_here([page, SimpleUploadedFile("empty.txt", b"")])


def test_upload_answers_with_the_job_page_and_its_report(alice_client, alice):
    response = upload(
        alice_client,
        SimpleUploadedFile("rows.jsonl", jsonl(article_row(1), article_row(2), article_row(1))),
        SimpleUploadedFile("piece.txt", b"A piece\n\nThe strike hit the base at dawn, officials said."),
        SimpleUploadedFile("notes.docx", b"PK\x03\x04"),
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    html = alice_client.get(response["Location"]).content.decode()
    assert "Import of 3 files" in html
    assert 'data-status="done"' in html
    assert 'Files <strong class="files-done">3</strong> of 3' in html
    assert "Result: imported 3, duplicates 1, refused 1" in html
    assert "line 3: skipped: duplicate of article" in html
    assert "unknown file type (&quot;.docx&quot;)" in html
    first = Article.objects.get(title="Strike report 1")
    assert f'<a href="/articles/{first.pk}/">Open article {first.pk}</a>' in html
    assert (job.owner, job.status, job.imported, job.duplicates, job.refused) == (alice, "done", 3, 1, 1)
    assert not JobUpload.objects.exists(), "the uploaded files are dropped once the job is done"


def test_a_long_report_shows_every_line_that_needs_reading_and_the_rest_on_request(alice_client):
    rows = [article_row(n) for n in range(1, 131)]
    rows[119] = article_row(1)  # line 120: a duplicate
    rows[124] = {"title": "Empty", "text": ""}  # line 125: refused
    response = upload(alice_client, SimpleUploadedFile("many.jsonl", jsonl(*rows)))
    html = alice_client.get(response["Location"]).content.decode()
    assert html.count('<tr class="status-') == 100
    assert "Showing 100 of 130 lines" in html
    assert "line 120: skipped: duplicate of article" in html
    assert 'class="status-refused"' in html and "line 125" in html
    assert "line 98:" in html and "line 99:" not in html, "98 imported lines and the 2 that need reading"

    everything = alice_client.get(response["Location"] + "?lines=all").content.decode()
    assert everything.count('<tr class="status-') == 130
    assert "line 130:" in everything and "Showing" not in everything


def test_job_page_polls_while_the_job_waits_and_stops_when_it_is_done(alice_client, queued):
    upload(alice_client, SimpleUploadedFile("rows.jsonl", jsonl(article_row(1))))
    job = Job.objects.get()
    page = alice_client.get(job.get_absolute_url()).content.decode()
    assert 'data-status="queued"' in page and "Waiting for a worker" in page
    assert f'hx-get="/jobs/{job.pk}/" hx-trigger="load delay:' in page
    assert not Article.objects.exists()

    run_import_job(job.pk)  # what the worker does
    fragment = alice_client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section id="job-progress"'), "htmx gets the progress section only"
    assert 'data-status="done"' in fragment and "hx-trigger" not in fragment
    assert "Result: imported 1, duplicates 0, refused 0" in fragment


def test_articles_are_listed_at_once_and_marked_analysing_until_the_analysis_has_run(alice_client, queued):
    upload(alice_client, SimpleUploadedFile("rows.jsonl", jsonl(article_row(1), article_row(2))))
    run_import_job(Job.objects.get().pk)
    articles = Article.objects.order_by("pk")
    assert [a.analysing for a in articles] == [True, True]
    listing = alice_client.get("/").content.decode()
    assert listing.count('<span class="status-badge status-analysing"') == 2
    assert "analysing…" in alice_client.get(articles[0].get_absolute_url()).content.decode()

    assert Article.objects.filter(pk__in=[a.pk for a in articles]).analyse() == 2
    assert "status-analysing" not in alice_client.get("/").content.decode()
    reader = alice_client.get(articles[0].get_absolute_url()).content.decode()
    assert (
        "analysing…" not in reader and f"{Article.objects.get(pk=articles[0].pk).word_count} words" in reader
    )


def test_an_article_still_analysing_can_be_tagged_and_exported_with_its_sentence(alice_client, alice, queued):
    upload(alice_client, SimpleUploadedFile("rows.jsonl", jsonl(article_row(7))))
    run_import_job(Job.objects.get().pk)
    article = Article.objects.get()
    assert article.analysing and article.sentence_starts == []
    quote = "hit the base"
    start = article.body.index(quote)
    strike = Term.objects.create(slug="strike", label="Strike", kind="event")
    response = alice_client.post(
        f"/articles/{article.pk}/spans/",
        {"start": start, "end": start + len(quote), "text": quote, "term": strike.pk},
    )
    assert response.status_code == 200, response.content[:300]
    rows = "".join(stream("csv", Span.objects.live(), base_url="http://testserver"))
    assert ",hit the base,The strike hit the base at dawn.," in rows.split("\r\n")[1]


def test_analysis_tells_annotations_so_it_can_warm_the_suggestions(alice_client):
    seen = []

    def receiver(sender, article, **kwargs):
        seen.append(article.pk)

    article_analysed.connect(receiver)
    try:
        upload(alice_client, SimpleUploadedFile("rows.jsonl", jsonl(article_row(1), article_row(2))))
    finally:
        article_analysed.disconnect(receiver)
    assert sorted(seen) == sorted(Article.objects.values_list("pk", flat=True))
    assert not Article.objects.analysing().exists()
    # annotations connects its warm-up (annotations/apps.py) under this id.
    assert any(key[0] == "annotations-warm-suggestions" for key, *_ in article_analysed.receivers)


def test_an_upload_with_pasted_text_reports_both(alice_client):
    response = upload(
        alice_client,
        SimpleUploadedFile("piece.txt", b"A piece\n\nThe strike hit the base at dawn, officials said."),
        title="Pasted piece",
        text="Words typed in the browser.",
    )
    html = alice_client.get(response["Location"]).content.decode()
    assert "Result: imported 2, duplicates 0, refused 0" in html
    assert "pasted text" in html


def test_another_analyst_cannot_see_resume_or_download_a_job(client, alice_client, bob):
    upload(alice_client, SimpleUploadedFile("rows.jsonl", jsonl(article_row(1))))
    job = Job.objects.get()
    client.force_login(bob)
    assert client.get(f"/jobs/{job.pk}/").status_code == 403
    assert client.post(f"/jobs/{job.pk}/resume/").status_code == 403
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 403
    assert client.get("/jobs/999999/").status_code == 404


def test_a_job_abandoned_by_its_worker_offers_resume_and_finishes_without_duplicates(
    alice_client, queued, settings
):
    upload(
        alice_client,
        SimpleUploadedFile("a.jsonl", jsonl(article_row(1), article_row(2))),
        SimpleUploadedFile("b.jsonl", jsonl(article_row(3))),
    )
    job = Job.objects.get()
    # A worker took the job, finished the first file (as run_import_job does it) and was killed.
    job.start()
    first = job.uploads.get(position=0)
    importer = Importer(job.owner, background=True)
    with transaction.atomic():
        JobUpload.objects.filter(pk=first.pk).update(done=True)
        results = importer.store(importer.prepare(_read_bytes(bytes(first.data), "a.jsonl", "a.jsonl", None)))
        job.record([asdict(result) for result in results])
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=10))

    page = alice_client.get(job.get_absolute_url()).content.decode()
    assert "The worker running this job stopped answering" in page and ">Resume</button>" in page
    assert "hx-trigger" not in page, "a stopped job is not polled"

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    response = alice_client.post(f"/jobs/{job.pk}/resume/", follow=True)
    assert "Resumed" in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.done, job.imported, job.duplicates) == ("done", 2, 3, 0)
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        f"Strike report {n}" for n in (1, 2, 3)
    ]


def test_resume_jobs_command_queues_stale_jobs_and_abandoned_analysis_again(alice, settings):
    stale = Job.objects.create(
        owner=alice,
        kind="import",
        title="Import of 0 files",
        task_path="corpus.tasks.run_import_job",
        status="running",
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    alive = Job.objects.create(
        owner=alice,
        kind="import",
        title="Import of 0 files",
        task_path="corpus.tasks.run_import_job",
        status="running",
        heartbeat_at=timezone.now(),
    )
    body = "Left analysing. Its worker died."
    left = Article.objects.create(title="Left", body=body, sha256=Article.hash_body(body), analysed_at=None)
    Article.objects.filter(pk=left.pk).update(imported_at=timezone.now() - dt.timedelta(hours=1))

    call_command("resume_jobs", verbosity=0)

    stale.refresh_from_db(), alive.refresh_from_db(), left.refresh_from_db()
    assert stale.status == "done" and stale.attempts == 1
    assert alive.status == "running"
    assert not left.analysing and left.sentence_starts == [0, body.index("Its")]


@pytest.mark.django_db
def test_the_cycle_collector_waits_while_a_file_is_stored_and_is_back_after(alice):
    """A file's thousands of new objects would set off collections that each walk the whole process
    (0.2-0.3 s of a 1,000-article upload): none runs while the file is prepared or stored, only one (of the
    youngest generations) as each step gives the collector back (without the pause: about 300)."""
    collections = []

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    data = jsonl(*(article_row(n) for n in range(1, 2001)))
    importer = Importer(alice, background=True)
    gc.callbacks.append(count)
    try:
        results = importer.store(importer.prepare(_read_bytes(data, "many.jsonl", "many.jsonl", None)))
    finally:
        gc.callbacks.remove(count)
    assert sum(1 for r in results if r.status == "imported") == 2000
    assert len(collections) <= 2, "one collection after each step (or its elder's), none during it"
    assert gc.isenabled(), "the collector is back once the file is stored"


def test_the_analysis_of_stored_articles_waits_a_moment_for_the_pages_the_import_answers_with(
    alice_client, settings
):
    from django_tasks import default_task_backend

    settings.TASKS = DUMMY
    settings.MARGINALIA_ANALYSIS_DELAY_SECONDS = 1.5
    before = timezone.now()
    upload(alice_client, SimpleUploadedFile("rows.jsonl", jsonl(article_row(1))))
    [analysis] = [r for r in default_task_backend.results if r.task.name == "analyse"]
    assert (
        before + dt.timedelta(seconds=1.4)
        < analysis.task.run_after
        < timezone.now() + dt.timedelta(seconds=1.6)
    )
    assert Article.objects.get().analysed_at is None, "listed, marked analysing"

    default_task_backend.clear()
    settings.MARGINALIA_ANALYSIS_DELAY_SECONDS = 0
    upload(alice_client, SimpleUploadedFile("more.jsonl", jsonl(article_row(2))))
    [analysis] = [r for r in default_task_backend.results if r.task.name == "analyse"]
    assert analysis.task.run_after is None, "0: at once"
