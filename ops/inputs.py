"""Bad input is a 4xx that names the problem, never a 500.

One guard for every request (`InputGuardMiddleware`): NUL bytes and other control characters in
any query or form field (names and values) and in upload file names, over-long query values, an
upload Django refuses to read (too many files or fields, too large), and ids in the URL too large
for the database. Views parse ids in query and form fields with `parse_id` (offsets, which may be 0,
with `parse_offset`), which accepts only ASCII digits in the database's range (`"²".isdigit()` is
true, and 10**20 overflows a bigint).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, resolve

from ops.pages import bad_request_response

# The largest id a BigAutoField (and a PostgreSQL bigint) holds.
MAX_ID = 2**63 - 1
# Query parameters are filters, ids and search words; nothing legitimate comes near this.
MAX_QUERY_VALUE = 2000
# Unicode's control characters (category Cc: C0, DEL, C1) but tab, line feed and carriage return.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
UNREADABLE = (TooManyFilesSent, TooManyFieldsSent, RequestDataTooBig, MultiPartParserError)


def parse_id(value: object) -> int | None:
    """The id `value` spells (ASCII digits, 1 to MAX_ID, surrounding spaces allowed), else None."""
    text = str(value if value is not None else "").strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_offset(value: object) -> int | None:
    """A place or a count that may be 0 (a body offset, a cursor part), spelt as parse_id wants, else
    None."""
    text = str(value if value is not None else "").strip()
    return 0 if text == "0" else parse_id(text)


def parse_ids(values: Iterable[str]) -> list[int]:
    """The valid ids among `values`, in order, without repeats; the rest are ignored."""
    return list(dict.fromkeys(i for i in map(parse_id, values) if i is not None))


def control_character(text: str) -> str | None:
    """The first control character in `text` other than tab and line breaks, as U+XXXX, or None."""
    found = CONTROLS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def refuses_unreadable_upload(page: Callable[[HttpRequest, Exception], HttpResponse]):
    """Mark a view whose page explains an upload Django would not read (too many files, too large):
    `page(request, error)` answers instead of a bare "Bad Request". Nothing of the upload is kept."""

    def mark(view):
        view.unreadable_upload_page = page
        return view

    return mark


class InputGuardMiddleware:
    """Refuses hostile input before any view (or the CSRF check) reads it.

    Sits after the authentication middleware, so a view's own upload page knows the user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self._query_problem(request)
        if problem is None and request.method not in ("GET", "HEAD", "OPTIONS"):
            try:
                request.POST, request.FILES  # noqa: B018 - read once, here, to judge the whole body
            except UNREADABLE as error:
                return self._unreadable(request, error)
            problem = self._form_problem(request)
        if problem is not None:
            return bad_request_response(request, problem)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> None:
        for name, value in kwargs.items():
            if isinstance(value, int) and not 0 <= value <= MAX_ID:
                raise Http404(f"No {name.replace('_', ' ')} {value}.")

    @staticmethod
    def _query_problem(request: HttpRequest) -> str | None:
        for name, values in request.GET.lists():
            problem = _field_problem(name, values, "parameter")
            if problem:
                return problem
            for value in values:
                if len(value) > MAX_QUERY_VALUE:
                    return (
                        f"The parameter “{name[:40]}” is {len(value):,} characters long; "
                        f"at most {MAX_QUERY_VALUE:,} are accepted."
                    )
        return None

    @staticmethod
    def _form_problem(request: HttpRequest) -> str | None:
        for name, values in request.POST.lists():
            problem = _field_problem(name, values, "field")
            if problem:
                return problem
        for name, files in request.FILES.lists():
            problem = _field_problem(name, [upload.name or "" for upload in files], "file name in")
            if problem:
                return problem
        return None

    @staticmethod
    def _unreadable(request: HttpRequest, error: Exception) -> HttpResponse:
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            view = None
        page = getattr(view, "unreadable_upload_page", None)
        if page is not None:
            return page(request, error)
        return bad_request_response(request, unreadable_message(error), status=unreadable_status(error))


def _field_problem(name: str, values: list[str], what: str) -> str | None:
    found = control_character(name)
    if found:
        return f"A {what} name contains a control character ({found}); remove it and send again."
    for value in values:
        found = control_character(value)
        if found:
            shown = name if name.isprintable() else repr(name)
            return (
                f"The {what} “{shown[:40]}” contains a control character ({found}) that Marginalia "
                "does not accept; remove it and send again."
            )
    return None


def unreadable_message(error: Exception) -> str:
    from django.conf import settings

    if isinstance(error, TooManyFilesSent):
        return (
            "Nothing was received: that was more than "
            f"{settings.DATA_UPLOAD_MAX_NUMBER_FILES} files at once. Send them in smaller groups."
        )
    if isinstance(error, TooManyFieldsSent):
        return (
            f"Nothing was received: the form had more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields."
        )
    if isinstance(error, RequestDataTooBig):
        return (
            "Nothing was received: the form's text is larger than "
            f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)} MB (files are not counted in this)."
        )
    return f"Nothing was received: the upload could not be read ({error})."


def unreadable_status(error: Exception) -> int:
    return 413 if isinstance(error, RequestDataTooBig) else 400
