"""The error answers, in our style and without JavaScript: a refusal of bad input (400), and the
server-error page (500) that shows the request id a user can quote.

An htmx request gets the message alone (`<p class="error">`), which the reader shows in the
form's error box and leaves what was typed in place; a page request gets a whole page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.html import escape

from ops.requestlog import current_request_id


def _request_id(request: HttpRequest | None) -> str:
    return getattr(request, "request_id", None) or current_request_id.get()


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def bad_request_response(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    """A 4xx naming what is wrong with the request."""
    if _is_htmx(request):
        return HttpResponse(f'<p class="error" role="alert">{escape(message)}</p>', status=status)
    html = loader.render_to_string(
        "ops/400.html", {"message": message, "status": status, "request_id": _request_id(request)}
    )
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's own refusals (a suspicious request, a bad upload) in our words."""
    from ops.inputs import UNREADABLE, unreadable_message, unreadable_status

    if isinstance(exception, UNREADABLE):
        return bad_request_response(
            request, unreadable_message(exception), status=unreadable_status(exception)
        )
    return bad_request_response(request, "The request could not be understood; nothing was changed.")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a plain page with the request id; rendered without the database or the user, which
    may be what failed."""
    request_id = _request_id(request)
    # Set on requests that change data (ops/saving.py): whether a change was committed before the failure.
    saved = getattr(request, "saved", None)
    if _is_htmx(request):
        return HttpResponseServerError(
            f'<p class="error" role="alert">The server failed (request {escape(request_id)}).</p>'
        )
    context = {"request_id": request_id, "saved": saved}
    return HttpResponseServerError(loader.render_to_string("ops/500.html", context))
