"""The network download of the Claims view: GET /analysis/network/?mode=…&format=…&<claims filter> or
&set=<saved claims set>."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from analysis.networks import FORMATS, MODES, build_network, write_network
from annotations.filters_claims import ClaimFilterForm
from annotations.models import SavedSet
from ops.inputs import parse_id


def network_filename(mode: str, fmt: str, set_name: str | None) -> str:
    """marginalia-<set or all>-<date>-network-<mode>.<ext>, beside the claims CSV's name."""
    name = slugify(set_name or "") or "all"
    return f"marginalia-{name}-{timezone.localdate().isoformat()}-network-{mode}.{FORMATS[fmt].extension}"


@require_GET
def network(request: HttpRequest) -> HttpResponse:
    mode, fmt = request.GET.get("mode", "two-mode"), request.GET.get("format", "graphml")
    if mode not in MODES:
        return _bad(f"mode: “{mode}” is not a network mode; use {', '.join(MODES)}.")
    if fmt not in FORMATS:
        return _bad(f"format: “{fmt}” is not a network format; use {', '.join(FORMATS)}.")
    set_name = ""
    if request.GET.get("set"):
        value = request.GET["set"]
        if parse_id(value) is None:
            raise Http404(f"No saved set “{value}”.")
        saved_set = get_object_or_404(SavedSet, pk=int(value))
        if not saved_set.is_claims:
            return _bad(f"The set “{saved_set.name}” selects passages; a network is made of claims.")
        form, set_name = saved_set.filter_form(), saved_set.name
    else:
        form = ClaimFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        problems = " ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return _bad(f"The filter has errors. {problems}")
    graph = build_network(form.claims(viewer=request.user), mode)  # independent coding: what they may see
    response = HttpResponse("".join(write_network(graph, fmt)), content_type=FORMATS[fmt].content_type)
    response["Content-Disposition"] = f'attachment; filename="{network_filename(mode, fmt, set_name)}"'
    return response


def _bad(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
