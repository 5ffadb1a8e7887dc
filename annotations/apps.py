from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from annotations.article_search import names_of_terms
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
