"""The PostgreSQL full-text expression, shared by the query and its GIN index.

The GIN index (migration corpus 0002) is built on exactly this expression, so the planner uses it;
change one and the other follows. Authors are in it because analysts search by author ("Suchkov")
and the by-line is no longer in the body once it became metadata.
"""

from django.contrib.postgres.search import SearchVector

ARTICLE_SEARCH_VECTOR = SearchVector("title", "authors", "body", config="english")
