"""The one rule for jobs: a job, its progress and its file are its owner's alone."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from jobs.models import Job


def get_job_for(user, job_id: int) -> Job:
    """The job, if `user` started it: 404 if there is no such job, 403 if it is someone else's.
    Every door to a job (its page, resume, its download) goes through here."""
    job = get_object_or_404(Job, pk=job_id)
    if job.owner_id != user.pk:
        raise PermissionDenied("Only the analyst who started this job can see it.")
    return job
