"""An upload in real Chromium with the real worker: the Import page answers at once with the job's
page, which updates itself (htmx) from "waiting" to the per-file report; then the articles are listed."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from corpus.models import Article
from jobs.models import Job
from tests.conftest import log_in
from tests.worker_helpers import DATABASE_QUEUE, worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Officials said the strike near the airport killed several people.\n\nParliament met on Sunday."


def jsonl(*titles: str) -> bytes:
    return "".join(json.dumps({"title": t, "text": f"{t}: {TEXT}"}) + "\n" for t in titles).encode()


def test_analyst_uploads_files_follows_the_job_and_finds_the_articles_listed(
    page, live_server, alice, settings
):
    settings.TASKS = DATABASE_QUEUE
    settings.MARGINALIA_IMPORT_STORE_HERE_BYTES = 0  # the worker's path: a small upload is stored at once
    log_in(page, live_server, "alice", to="/import/")
    page.set_input_files(
        "#id_files",
        [
            {"name": "wires.jsonl", "mimeType": "application/jsonl", "buffer": jsonl("Wire one", "Wire two")},
            {"name": "note.txt", "mimeType": "text/plain", "buffer": f"A field note\n\n{TEXT}".encode()},
            {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"},
        ],
    )
    page.get_by_role("button", name="Import").click()

    job = Job.objects.get()
    page.wait_for_url(f"{live_server.url}/jobs/{job.pk}/")
    progress = page.locator("#job-progress")
    expect(progress).to_have_attribute("data-status", "queued")
    expect(progress).to_contain_text("Files 1 of 3")  # the PDF is refused on sight
    page.evaluate("window.stillTheSamePage = true")

    process = worker("--interval", "0.1")
    try:
        expect(progress).to_have_attribute("data-status", "done", timeout=60_000)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert page.evaluate("window.stillTheSamePage") is True, "the page updated itself, it was not reloaded"
    expect(progress).to_contain_text("Files 3 of 3")
    expect(page.get_by_role("heading", name="Result: imported 3, duplicates 0, refused 1")).to_be_visible()
    expect(page.locator("table.import-results")).to_contain_text("unknown file type")

    page.get_by_role("link", name="Articles", exact=True).first.click()
    for title in ("Wire one", "Wire two", "A field note"):
        expect(page.get_by_role("link", name=title)).to_be_visible()
    assert Article.objects.count() == 3
