from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations"

    def ready(self) -> None:
        from corpus.signals import article_analysed

        article_analysed.connect(_warm_suggestions, dispatch_uid="annotations-warm-suggestions")


def _warm_suggestions(sender, article, **kwargs) -> None:
    """An imported article's analysis is done: compute its reader suggestions now, not on first read."""
    from annotations.suggestions import suggestions_for

    suggestions_for(article)
