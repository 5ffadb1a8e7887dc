"""resume_requested: sent by `manage.py resume_jobs` after it re-enqueued abandoned jobs, so that apps
with background work of their own that no job tracks (corpus: articles still being analysed) can
queue it again. Receivers take `stale_before` (a datetime): work older than that is abandoned."""

from django.dispatch import Signal

resume_requested = Signal()
