"""Corpus work for the task engine (django-tasks; settings.TASKS): arguments are ids, never objects,
so a task can wait in the database queue and run in any worker process."""

from __future__ import annotations

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
