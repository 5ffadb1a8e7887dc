"""The Agreement screen and the disagreements behind each figure (compare mode: views/compare.py).

Agreement is computed from what the viewer may see (independent coding, annotations/models/
visibility.py): a lead sees every analyst's figures; an analyst sees figures only where the independent
coding is over. Adjudicating is for leads (`Decision.decide` refuses anyone else).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from analysis.agreement import ALL, agreement
from analysis.matching import CLAIM_FIELDS
from analysis.output import disagreements_csv, report_csv, report_json
from analysis.scope import Scope, ScopeError, scope_for
from annotations.models import Assignment, SavedSet
from ops.inputs import parse_id

MEASURES = {
    "passages": {"exact", "overlap"},
    "tags": {"term", "role"},
    "claims": {"matched", *CLAIM_FIELDS},
}


def _scope(request: HttpRequest) -> Scope:
    return scope_for(
        article=request.GET.get("article", "").strip() or None,
        saved_set=request.GET.get("set", "").strip() or None,
        assignment=request.GET.get("assignment", "").strip() or None,
        viewer=request.user,
    )


def _text(message: str, status: int = 400) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_GET
def agreement_screen(request: HttpRequest) -> HttpResponse:
    """?article=ID | set=ID | assignment=ID [&format=csv|json]; without a scope, a page to choose one."""
    if not any(request.GET.get(name) for name in ("article", "set", "assignment")):
        return render(request, "analysis/agreement.html", {"report": None, **_choices()})
    try:
        scope = _scope(request)
    except ScopeError as error:
        return render(
            request,
            "analysis/agreement.html",
            {"report": None, "problem": str(error), **_choices()},
            status=400,
        )
    report = agreement(scope, viewer=request.user)
    fmt = request.GET.get("format", "")
    if fmt == "csv":
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_filename(scope, "agreement", "csv")}"'
        return response
    if fmt == "json":
        return HttpResponse(report_json(report), content_type="application/json; charset=utf-8")
    if fmt:
        return _text(f"Unknown format “{fmt}”; use csv or json (or none for the page).")
    context = {"report": report, "scope": scope, "ALL": ALL, "claim_fields": CLAIM_FIELDS, **_choices()}
    context["confusion"] = [
        (a, b, name, _matrix(cells)) for (a, b, name), cells in report.confusion.items() if cells
    ]
    return render(request, "analysis/agreement.html", context)


@require_GET
def disagreements(request: HttpRequest) -> HttpResponse:
    """The units behind one figure where the analysts differ, side by side (or as CSV with format=csv).

    ?<scope>&section=passages|tags|claims&measure=…&a=USERNAME&b=USERNAME[&term=ID]"""
    try:
        scope = _scope(request)
    except ScopeError as error:
        return _text(str(error))
    section, measure = request.GET.get("section", ""), request.GET.get("measure", "")
    if measure not in MEASURES.get(section, ()):
        return _text(
            f"No figure “{section} {measure}”: sections are passages (exact, overlap), tags (term, role) "
            f"and claims (matched, {', '.join(CLAIM_FIELDS)})."
        )
    coder_a, coder_b = request.GET.get("a", ""), request.GET.get("b", "")
    User = get_user_model()
    for name in (coder_a, coder_b):
        if name != ALL and not User.objects.filter(**{User.USERNAME_FIELD: name}).exists():
            return _text(f"No analyst called “{name}”.")
    term = request.GET.get("term", "").strip()
    if term and parse_id(term) is None:
        return _text(f"A term is chosen by its id (a number), not “{term}”.")
    key = (section, measure, coder_a, coder_b, int(term) if term else None)
    report = agreement(scope, viewer=request.user, want=key)
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(disagreements_csv(report), content_type="text/csv; charset=utf-8")
        name = _filename(scope, f"disagreements-{section}-{measure}", "csv")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    figure = next((f for f in report.figures if f.key == key), None)
    context = {
        "report": report,
        "scope": scope,
        "figure": figure,
        "key": key,
        "query": request.GET.urlencode(),
    }
    return render(request, "analysis/disagreements.html", context)


def _choices() -> dict:
    return {
        "assignments": Assignment.objects.order_by("-created_at")[:100],
        "saved_sets": SavedSet.objects.select_related("owner").order_by("name"),
    }


def _matrix(cells) -> dict:
    rows = sorted({va for va, _ in cells})
    columns = sorted({vb for _, vb in cells})
    return {"rows": [(va, [cells.get((va, vb), 0) for vb in columns]) for va in rows], "columns": columns}


def _filename(scope: Scope, what: str, extension: str) -> str:
    return f"marginalia-{what}-{scope.kind}-{scope.pk}-{timezone.localdate().isoformat()}.{extension}"
