"""Large exports written by a worker: over MARGINALIA_EXPORT_JOB_PASSAGES passages, the download
buttons answer with a job page that offers the file when it is written; the file is the one the
streaming download gives, and only its owner can fetch it."""

from __future__ import annotations

import pytest

from jobs.models import Job
from tests.annotated_world import build_world

EXPORT = "/annotations/export/"


@pytest.fixture
def world(alice, bob):
    return build_world(alice, bob)


@pytest.fixture
def large(settings, tmp_path):
    """Every set counts as large; job files go to a temporary folder."""
    settings.MARGINALIA_EXPORT_JOB_PASSAGES = 1
    settings.MARGINALIA_JOB_FILES = tmp_path


def streamed(client, params: dict) -> bytes:
    response = client.get(EXPORT, params)
    assert response.streaming, "a set under the threshold streams"
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "w3c"])
def test_a_large_export_becomes_a_job_whose_file_is_the_streamed_export(
    alice_client, world, settings, tmp_path, fmt
):
    params = {"format": fmt, "term": "irgc"}
    expected = streamed(alice_client, params)
    settings.MARGINALIA_EXPORT_JOB_PASSAGES = 1
    settings.MARGINALIA_JOB_FILES = tmp_path

    response = alice_client.get(EXPORT, params)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.status, job.total) == ("export", "done", 2)
    page = alice_client.get(response["Location"]).content.decode()
    assert f'href="/jobs/{job.pk}/download/"' in page and job.params["filename"] in page

    download = alice_client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{job.params["filename"]}"'
    assert b"".join(download.streaming_content) == expected


def test_a_set_under_the_threshold_still_streams(alice_client, world, settings):
    settings.MARGINALIA_EXPORT_JOB_PASSAGES = 1000
    response = alice_client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert not Job.objects.exists()


def test_only_the_owner_downloads_the_file(client, alice_client, world, bob, large):
    alice_client.get(EXPORT, {"format": "csv"})
    job = Job.objects.get()
    client.force_login(bob)
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 403
    assert client.get(f"/jobs/{job.pk}/").status_code == 403


def test_the_download_of_a_job_still_running_is_404_and_its_page_polls(alice_client, world, large, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    response = alice_client.get(EXPORT, {"format": "csv", "analyst": "me"})
    job = Job.objects.get()
    assert job.status == "queued" and job.params["query"] == "analyst=alice"
    assert alice_client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert "hx-trigger" in alice_client.get(response["Location"]).content.decode()
