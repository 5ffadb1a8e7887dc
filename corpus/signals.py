"""Signals corpus sends; other apps connect to them (corpus imports none of them).

article_analysed: an article's background analysis is done (sender=Article, article=the Article).
annotations connects its suggestions warm-up here.
"""

from django.dispatch import Signal

article_analysed = Signal()
