"""Uploads imported as a job: the Import page starts one and answers with its page.

The uploaded files are kept in the database (jobs.JobUpload) until the job is done, so any worker on
any host can run it. The job stores one file per transaction, and that transaction also marks the
file done and adds its lines to the job's report: a worker killed mid-file leaves none of that file's
articles, and the job, resumed, starts again at that file. Nothing is imported twice.

An upload small enough to store in well under a second (`stores_here`) is stored by the request
itself, so its page answers with the articles already listed; a larger one goes to the worker. Either
way the sentence analysis follows in the background. A request that dies mid-job leaves it running
without a heartbeat: stale, and resumed as a killed worker's job is.
"""

from __future__ import annotations

import contextlib
import logging

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from corpus.importers.decoding import _basename, _decode, kind_of
from corpus.importers.drafts import Refusal
from corpus.importers.manifest import MANIFEST_NAME, _parse_manifest
from corpus.importers.reading import _read_bytes, _read_upload
from corpus.importers.report import FileResult
from corpus.importers.saving import Importer, collector_paused
from jobs.models import Job, JobUpload

logger = logging.getLogger("corpus.importers")

TASK_PATH = "corpus.tasks.run_import_job"
# Reading an HTML page (trafilatura) costs about four times what a line of JSONL of its size does.
WEIGHT_OF_KIND = {"html": 4}


def stores_here(files: list[UploadedFile]) -> bool:
    """Whether an upload is small enough for the request to store (MARGINALIA_IMPORT_STORE_HERE_BYTES)."""
    weight = sum((upload.size or 0) * WEIGHT_OF_KIND.get(kind_of(upload.name), 1) for upload in files)
    return weight <= settings.MARGINALIA_IMPORT_STORE_HERE_BYTES


def start_import_job(
    files: list[UploadedFile], user, results: list[FileResult] = (), *, here: bool = False
) -> Job:
    """Keep the uploads with a new job and queue it for the worker, or with `here` run it in this
    process before returning. A file refused on sight (type, size) and a bad manifest are in the report
    from the start; `results` are lines to show first (pasted text)."""
    report = [result.as_dict() for result in results]
    manifest: dict[str, dict[str, str]] = {}
    count = sum(1 for upload in files if _basename(upload.name) != MANIFEST_NAME)
    title = f"Import of {count} file{'s' if count != 1 else ''}"
    # Stored here, the job is running from the start: should this process die before it is done, its
    # silence makes it stale, and it is resumed as a killed worker's job is.
    running = {"status": Job.Status.RUNNING, "heartbeat_at": timezone.now()} if here else {}
    with transaction.atomic():
        job = Job.objects.create(
            owner=user, kind=Job.Kind.IMPORT, title=title, task_path=TASK_PATH, total=count, **running
        )
        position = 0
        for upload in files:
            name = _basename(upload.name)
            try:
                data = _read_upload(upload)
                if name == MANIFEST_NAME:
                    manifest = _parse_manifest(_decode(data)[0])
                    continue
            except Refusal as refusal:
                report.append(FileResult(name, "refused", str(refusal)).as_dict())
                continue
            # One at a time: up to 100 files of 5 MB are never all in memory.
            JobUpload.objects.create(job=job, position=position, name=name, data=data)
            position += 1
        statuses = [line["status"] for line in report]
        Job.objects.filter(pk=job.pk).update(
            params={"manifest": manifest},
            results=report,
            done=count - position,
            imported=statuses.count("imported"),
            duplicates=statuses.count("duplicate"),
            refused=statuses.count("refused"),
        )
    if here:
        # A failure is logged and kept on the job (failed, with its reason): its page says so.
        with contextlib.suppress(Exception):
            run_import_job(job.pk)
    else:
        job.enqueue()
    job.refresh_from_db()
    return job


def run_import_job(job_id: int) -> str:
    """The worker's side: every file not done yet, one transaction each (see the module's docstring)."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    if not job.start():
        return "already done"
    importer = Importer(job.owner, background=True)
    manifest = job.params.get("manifest", {})
    try:
        for upload_id in job.uploads.filter(done=False).order_by("position").values_list("pk", flat=True):
            upload = JobUpload.objects.get(pk=upload_id)
            items = _read_bytes(bytes(upload.data), upload.name, upload.name, manifest.get(upload.name))
            prepared = importer.prepare(items)
            with collector_paused(), transaction.atomic():
                # Claims the file: a second worker running the same job (resumed while this one was
                # only slow) finds it done and goes on; the claim is undone if this transaction is.
                if not JobUpload.objects.filter(pk=upload.pk, done=False).update(done=True):
                    continue
                results = importer.store(prepared)
                job.record([result.as_dict() for result in results])
    except Exception as exc:
        logger.exception("import job %s failed", job.pk)
        job.fail(f"{type(exc).__name__}: {exc}")
        raise
    job.uploads.all().delete()
    job.finish()
    return job.summary
