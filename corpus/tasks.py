"""Corpus work for the task engine (django-tasks; settings.TASKS): arguments are ids, never objects,
so a task can wait in the database queue and run in any worker process."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task


@task()
def analyse(article_ids: list[int]) -> int:
    """The background half of an import: sentences, word counts, then the article_analysed signal."""
    from corpus.analysis import analyse_articles

    return analyse_articles(article_ids)


@task()
def run_import_job(job_id: int) -> str:
    """An upload's import (corpus.importers.jobs)."""
    from corpus.importers.jobs import run_import_job as run

    return run(job_id)


def queue_analysis(article_ids: list[int]) -> None:
    """Queue the analysis of articles just stored, to start MARGINALIA_ANALYSIS_DELAY_SECONDS from now
    where the task backend can wait (the database queue can). The articles are listed at once; the
    delay leaves the cores to the pages the import answers with (the job page, the Articles list)
    rather than to spaCy: 1,000 uploaded articles were listed in 0.59-0.66 s with the analysis
    starting at once, 0.44-0.47 s with it a second later (bench/import_articles.py)."""
    queued = analyse
    delay = settings.MARGINALIA_ANALYSIS_DELAY_SECONDS
    if delay > 0 and queued.get_backend().supports_defer:
        queued = queued.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    queued.enqueue(article_ids)
