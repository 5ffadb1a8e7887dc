from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_migrate

        from annotations.article_search import names_of_terms
        from annotations.models import suggestions, visibility
        from corpus.models import register_passage_filter
        from corpus.search import register_name_expander
        from corpus.signals import article_analysed

        # After auth's post_migrate has made this app's permissions: the leads group holds them, on a
        # new database as after a flush (which empties the group migration 0004 made).
        post_migrate.connect(_leads_group, sender=self, dispatch_uid="annotations-leads-group")
        article_analysed.connect(_warm_suggestions, dispatch_uid="annotations-warm-suggestions")
        register_passage_filter(_visible_passages)
        # The Articles search: a vocabulary name finds every name of its term.
        register_name_expander(names_of_terms)
        # Independent coding reads an article's blind rows once per request (visibility.blind_rows).
        request_started.connect(visibility.request_started, dispatch_uid="annotations-visibility-start")
        request_finished.connect(visibility.request_finished, dispatch_uid="annotations-visibility-end")
        # And the vocabulary's version once per request (VocabularyVersion.key).
        request_started.connect(suggestions.request_started, dispatch_uid="annotations-vocabulary-start")
        request_finished.connect(suggestions.request_finished, dispatch_uid="annotations-vocabulary-end")


def _leads_group(sender, using: str, **kwargs) -> None:
    from annotations.permissions import leads_group

    if using == "default":
        leads_group()


def _visible_passages(passages, viewer):
    """The Articles list counts what its viewer may see (independent coding: visibility.py)."""
    return passages.visible_to(viewer)


def _warm_suggestions(sender, article, **kwargs) -> None:
    """An imported article's analysis is done: compute its reader suggestions now, not on first read
    (into a shared cache only: annotations.suggestions.warm_article)."""
    from annotations.suggestions import warm_article

    warm_article(article)
