"""Background jobs an analyst started (an upload's import, a large export) and can follow on a page.

The task engine (django-tasks, settings.TASKS) runs the work; a Job is what the analyst sees of it:
progress, the per-file report, the file to download, and whether the worker that ran it is still
alive. A job knows its task by module path, so `resume()` re-enqueues it without this app importing
the apps that define the work (corpus and annotations use jobs, never the reverse).

Resuming is safe by construction: each unit of work (a file of an import) commits together with the
job's progress, so a re-run starts after the last unit that committed and repeats nothing.
"""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

# A worker polls the queue every fraction of a second; a job left waiting longer has no worker.
WAITING_LONG = dt.timedelta(seconds=10)


class JobFileStorage(FileSystemStorage):
    """Where finished exports wait for their download: MARGINALIA_JOB_FILES, read when used (not when
    the model is defined), like MEDIA_ROOT for the default storage."""

    @property
    def base_location(self) -> str:
        return str(settings.MARGINALIA_JOB_FILES)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


job_files = JobFileStorage()


class JobQuerySet(models.QuerySet):
    def owned_by(self, user) -> JobQuerySet:
        return self.filter(owner=user)

    def unfinished(self) -> JobQuerySet:
        return self.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])

    def stale(self, now: dt.datetime | None = None) -> JobQuerySet:
        """Running jobs whose worker has not been heard of for MARGINALIA_JOB_STALE_SECONDS: killed."""
        cutoff = (now or timezone.now()) - dt.timedelta(seconds=settings.MARGINALIA_JOB_STALE_SECONDS)
        return self.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)


class Job(models.Model):
    class Kind(models.TextChoices):
        IMPORT = "import", "Import"
        EXPORT = "export", "Export"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # The task function's module path ("corpus.tasks.run_import_job"), to enqueue it again on resume.
    task_path = models.CharField(max_length=200)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Units of work: files of an import; for an export, passages to write (done is set at the end).
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    # One row per file (and line) as the importer reports it: name, line, status, message, warnings,
    # article_id.
    results = models.JSONField(default=list, blank=True)
    params = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    file = models.FileField(storage=job_files, upload_to="exports/", max_length=500, blank=True)
    file_size = models.BigIntegerField(default=0)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def summary(self) -> str:
        """An import's counts in the words of the command line's last line."""
        return f"imported {self.imported}, duplicates {self.duplicates}, refused {self.refused}"

    @property
    def waiting_long(self) -> bool:
        """Queued for longer than a worker takes to notice: probably no worker is running."""
        return self.status == self.Status.QUEUED and timezone.now() - self.created_at > WAITING_LONG

    @property
    def is_stale(self) -> bool:
        """Running, and no news from its worker for MARGINALIA_JOB_STALE_SECONDS (as stale())."""
        if self.status != self.Status.RUNNING or self.heartbeat_at is None:
            return False
        silence = timezone.now() - self.heartbeat_at
        return silence > dt.timedelta(seconds=settings.MARGINALIA_JOB_STALE_SECONDS)

    @property
    def resumable(self) -> bool:
        """Failed, or running with a worker that stopped answering: the work can be picked up again."""
        return self.status == self.Status.FAILED or (self.status == self.Status.RUNNING and self.is_stale)

    def enqueue(self) -> None:
        """Hand the job to the task engine. With the immediate backend (tests) it has run on return."""
        result = import_string(self.task_path).enqueue(self.pk)
        Job.objects.filter(pk=self.pk).update(task_id=str(result.id)[:64])

    def resume(self) -> None:
        """Queue a failed or abandoned job again; the work it committed is not redone."""
        Job.objects.filter(pk=self.pk).update(
            status=self.Status.QUEUED, error="", heartbeat_at=timezone.now()
        )
        self.enqueue()

    def start(self) -> bool:
        """Called by the task as it begins: False if there is nothing left to do (already finished)."""
        now = timezone.now()
        updated = (
            Job.objects.filter(pk=self.pk)
            .exclude(status=self.Status.DONE)
            .update(status=self.Status.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1)
        )
        self.refresh_from_db()
        return bool(updated)

    def beat(self, **changes) -> None:
        """The worker is alive; record any progress given (`done=…`, `file_size=…`) with it."""
        Job.objects.filter(pk=self.pk).update(heartbeat_at=timezone.now(), **changes)

    def record(self, results: list[dict]) -> None:
        """One unit of work done, with its report rows. Call it inside the unit's transaction, so the
        progress commits with the work or not at all."""
        counts = {
            status: sum(1 for r in results if r["status"] == status) for status in ("imported", "duplicate")
        }
        refused = sum(1 for r in results if r["status"] == "refused")
        job = Job.objects.select_for_update().get(pk=self.pk)
        job.results = [*job.results, *results]
        job.done += 1
        job.imported += counts["imported"]
        job.duplicates += counts["duplicate"]
        job.refused += refused
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["results", "done", "imported", "duplicates", "refused", "heartbeat_at"])
        self.refresh_from_db()

    def finish(self, **changes) -> None:
        Job.objects.filter(pk=self.pk).update(status=self.Status.DONE, finished_at=timezone.now(), **changes)
        self.refresh_from_db()

    def fail(self, message: str) -> None:
        Job.objects.filter(pk=self.pk).update(
            status=self.Status.FAILED, finished_at=timezone.now(), error=message
        )
        self.refresh_from_db()


class JobUpload(models.Model):
    """A file uploaded for an import job, kept in the database until the job is done: every worker
    on every host can read it (no shared disk), and it is stored in the same transaction as the job."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="uploads")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=500)
    data = models.BinaryField()
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["job", "position"]
        constraints = [models.UniqueConstraint(fields=["job", "position"], name="jobs_upload_position")]

    def __str__(self) -> str:
        return self.name
