"""python manage.py resume_jobs: queue again every job whose worker died, and the background work
other apps track themselves (corpus: articles left "analysing"). Run it where a worker starts
(`make run` does); running it twice queues nothing twice that is still alive."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from jobs.models import Job
from jobs.signals import resume_requested


class Command(BaseCommand):
    help = "Re-enqueue jobs abandoned by a worker that was killed (no news for MARGINALIA_JOB_STALE_SECONDS)."

    def handle(self, *args, verbosity: int = 1, **options) -> None:
        now = timezone.now()
        stale = list(Job.objects.stale(now))
        for job in stale:
            job.resume()
            if verbosity >= 1:
                self.stdout.write(f"resumed job {job.pk}: {job.title}")
        resume_requested.send(
            sender=Job, stale_before=now - dt.timedelta(seconds=settings.MARGINALIA_JOB_STALE_SECONDS)
        )
        if verbosity >= 1:
            self.stdout.write(f"resumed {len(stale)} job{'s' if len(stale) != 1 else ''}")
