"""Honest answers after a commit.

A request that changes data (any method but GET, HEAD, OPTIONS) is watched from the middleware:
every INSERT, UPDATE or DELETE the view runs registers an on-commit hook, so `request.saved` turns
true only once a change has really been committed. Then:

- every answer to such a request carries `Marginalia-Saved: yes` or `no` (500 pages included);
- if the view raises after something was committed (rendering the panel, repainting paragraphs),
  the error is logged with its traceback and the request id, and the answer is a success,
  200 with `Marginalia-Shown: no` and `HX-Reswap: none`, whose body says it was saved but could
  not be shown: the browser must not offer to save again.

The browser (static/js/reader.js, `answerMessage`) words its message from these headers:

| answer | says |
|---|---|
| 2xx, `Marginalia-Shown: no` | "Saved, but the server failed while showing it; reload to see it." |
| 4xx | the refusal the server wrote; nothing was saved |
| 5xx, `Marginalia-Saved: no` | "The server failed; nothing was saved. Try again." |
| 5xx, `Marginalia-Saved: yes` | "The server failed after saving; reload to see it." |
| no answer, or 5xx without the header | "The server did not answer; reload to see whether it was saved." |
(a proxy's 502, a killed worker)

Views need nothing for this: "commit, then render" is the shape every saving view already has
(a model verb in its own transaction, then the response). A view that must commit twice, or must
not claim success for a partial change, keeps both inside one `transaction.atomic()`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils.html import escape

from ops.requestlog import current_request_id

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE")
SAVED_HEADER = "Marginalia-Saved"
SHOWN_HEADER = "Marginalia-Shown"
logger = logging.getLogger("marginalia.saving")


# In a statement that begins with WITH: a write as one of its parts (`… AS (INSERT …`) or as the statement
# after them (`…) UPDATE …`). ops/compiled.insert_linked writes a save that way on PostgreSQL.
WRITE_WITH = re.compile(r"[()]\s*(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def _is_write(sql: str) -> bool:
    start = sql.lstrip()[:7].upper()
    return start.startswith(WRITES) or (start.startswith("WITH") and WRITE_WITH.search(sql) is not None)


class SaveTrackingMiddleware:
    """Innermost middleware: knows whether this request committed a change, and answers accordingly."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        request.saved = False

        def mark_saved() -> None:
            request.saved = True

        def watch(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            if _is_write(sql):
                # Runs at once outside a transaction, at the outermost commit inside one, never on rollback.
                transaction.on_commit(mark_saved)
            return result

        with connection.execute_wrapper(watch):
            response = self.get_response(request)
        response[SAVED_HEADER] = "yes" if request.saved else "no"
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not getattr(request, "saved", False):
            return None  # nothing committed: the error page follows, saying so in its header
        logger.error(
            "%s %s failed after its change was committed; answered as saved",
            request.method,
            request.path,
            exc_info=exception,
        )
        return saved_but_not_shown(request)


def saved_but_not_shown(request: HttpRequest) -> HttpResponse:
    request_id = getattr(request, "request_id", None) or current_request_id.get()
    message = f"Saved, but the server failed while showing it; reload to see it (request {request_id})."
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(f'<p class="error" role="alert">{escape(message)}</p>')
        response["HX-Reswap"] = "none"
    else:
        back = request.headers.get("Referer") or "/"
        if not back.startswith(("/", request.build_absolute_uri("/"))):
            back = "/"
        response = HttpResponse(
            "<!doctype html><html lang=en><meta charset=utf-8><title>Saved · Marginalia</title>"
            f'<link rel="stylesheet" href="{static("css/marginalia.css")}"><main class="page"><h1>Saved</h1>'
            f'<p role="status">{escape(message)}</p><p><a href="{escape(back)}">Reload</a></p></main>'
        )
    response[SHOWN_HEADER] = "no"
    return response
