from django.apps import AppConfig


class CorpusConfig(AppConfig):
    name = "corpus"
    verbose_name = "Corpus"

    def ready(self) -> None:
        from jobs.signals import resume_requested

        resume_requested.connect(_queue_abandoned_analysis, dispatch_uid="corpus-abandoned-analysis")


def _queue_abandoned_analysis(sender, stale_before, **kwargs) -> None:
    """Articles left "analysing" by a worker that died: queue their analysis again (harmless if it
    was only waiting: analysis skips what is done)."""
    from corpus.models import Article
    from corpus.tasks import analyse

    ids = list(Article.objects.analysing().filter(imported_at__lt=stale_before).values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        analyse.enqueue(ids[start : start + 1000])
