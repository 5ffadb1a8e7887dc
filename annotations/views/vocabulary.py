"""The Vocabulary screens: the list with live search, a page per term, add/edit, aliases,
merge and retire, import and export.

Who may do what is annotations/permissions.py's rule, and the Term verbs enforce it themselves; the
views check it first only to answer a clear 403 before showing a form that could not be saved.
Fragments are partials of the page templates.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from annotations.forms import AliasForm, MergeForm, TermForm, VocabularyFilterForm, VocabularyImportForm
from annotations.models import Alias, Change, Term
from annotations.models.visibility import change_visible_q, tag_visible_q
from annotations.permissions import (
    can_change_term,
    can_curate_vocabulary,
    removable_alias_ids,
    require_curator,
    require_term_change,
)
from annotations.vocabulary import export_vocabulary, load_vocabulary_bytes

TERMS_PER_PAGE = 100
PASSAGES_SHOWN = 200
HISTORY_SHOWN = 50
MERGE_CANDIDATES = 12


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one: `request.POST or None` would leave the form unbound
    and answer an empty POST with 200 and no word of what is missing."""
    return request.POST if request.method == "POST" else None


def get_term(slug: str) -> Term:
    return get_object_or_404(Term.objects.select_related("parent", "merged_into", "created_by"), slug=slug)


def vocabulary(request: HttpRequest) -> HttpResponse:
    form = VocabularyFilterForm(request.GET)
    page = Paginator(form.terms(viewer=request.user), TERMS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    # A history restore (back button after live search) wants the whole page, not the fragment.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "annotations/vocabulary.html#results" if fragment else "annotations/vocabulary.html"
    return render(request, template, context)


@require_POST
def term_propose(request: HttpRequest) -> JsonResponse:
    """A new actor from the reader (type-ahead or suggestion): POST label and actor_type.

    201 with the new proposed term, 200 with the active actor that already has the name,
    422 with {"error": …} naming what is wrong."""
    try:
        term, created = Term.propose(
            request.POST.get("label", ""), request.POST.get("actor_type", ""), by=request.user
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=422)
    return JsonResponse(
        {
            "id": term.pk,
            "slug": term.slug,
            "label": term.label,
            "kind": term.kind,
            "actor_type": term.actor_type,
            "proposed": term.proposed,
            "created": created,
        },
        status=201 if created else 200,
    )


def term_detail(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_term(slug)
    return render(request, "annotations/term_detail.html", term_context(request, term))


def term_context(request: HttpRequest, term: Term, alias_form: AliasForm | None = None) -> dict:
    # Independent coding: what the analyst may not see is left out, as if it did not exist.
    passages = term.passages().filter(tag_visible_q(request.user))
    aliases = list(term.aliases.order_by("pk"))
    return {
        "term": term,
        "aliases": aliases,
        "removable": removable_alias_ids(request.user, term, aliases),
        "can_edit": can_change_term(request.user, term),
        "alias_form": alias_form or AliasForm(term=term),
        "children": term.children.order_by("label"),
        "merged_terms": term.merged_terms.order_by("label"),
        "passage_count": passages.count(),
        "passages": passages[:PASSAGES_SHOWN],
        "history": Change.objects.filter(term=term)
        .filter(change_visible_q(request.user))
        .select_related("actor")[:HISTORY_SHOWN],
        "can_curate": can_curate_vocabulary(request.user),
    }


def term_create(request: HttpRequest) -> HttpResponse:
    form = TermForm(posted(request), initial={"kind": request.GET.get("kind", Term.Kind.ACTOR)})
    if request.method == "POST" and form.is_valid():
        term = save_or_keep_errors(form, request)
        if term is not None:
            messages.success(request, f"Added {term.label}.")
            return redirect(term)
    status = 400 if form.errors else 200
    return render(request, "annotations/term_form.html", {"form": form, "term": None}, status=status)


def term_edit(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_term(slug)
    require_term_change(request.user, term, f"Editing {term.label}")
    form = TermForm(posted(request), term=term)
    if request.method == "POST" and form.is_valid() and save_or_keep_errors(form, request) is not None:
        messages.success(request, f"Saved {term.label}.")
        return redirect(term)
    status = 400 if form.errors else 200
    return render(request, "annotations/term_form.html", {"form": form, "term": term}, status=status)


def save_or_keep_errors(form: TermForm, request: HttpRequest) -> Term | None:
    """The model has the last word (a name taken a moment ago); its refusal goes back on the form."""
    try:
        return form.save(by=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@require_POST
def alias_add(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_term(slug)
    form = AliasForm(request.POST, term=term)
    if form.is_valid():
        try:
            alias = form.save(by=request.user)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            if not request.htmx:
                messages.success(request, f"Added alias “{alias.name}”.")
                return redirect(term)
            return render(request, "annotations/term_detail.html#aliases", term_context(request, term))
    # htmx swaps only successful answers, so the form with its errors comes back as 200 there.
    context = term_context(request, term, alias_form=form)
    if request.htmx:
        return render(request, "annotations/term_detail.html#aliases", context)
    return render(request, "annotations/term_detail.html", context, status=400)


@require_POST
def alias_remove(request: HttpRequest, slug: str, alias_id: int) -> HttpResponse:
    term = get_term(slug)
    alias = get_object_or_404(Alias, pk=alias_id, term=term)
    try:
        term.remove_alias(alias, by=request.user)
    except ValidationError as error:
        if request.htmx:
            context = {**term_context(request, term), "alias_error": " ".join(error.messages)}
            return render(request, "annotations/term_detail.html#aliases", context)
        messages.error(request, " ".join(error.messages))
        return redirect(term)
    if request.htmx:
        return render(request, "annotations/term_detail.html#aliases", term_context(request, term))
    messages.success(request, f"Removed alias “{alias.name}”.")
    return redirect(term)


def term_merge(request: HttpRequest, slug: str) -> HttpResponse:
    """Merge a term into another, found by a type-ahead over names (not a list of every term): `q` lists
    the active terms of the same kind that match, each to choose with a radio button. Without
    JavaScript, "Find" reloads the page with the terms found; with htmx the list follows the typing."""
    term = get_term(slug)
    require_curator(request.user, f"Merging {term.label}")
    # A "Find" without JavaScript keeps the term already chosen (a GET, so as the initial choice).
    form = MergeForm(posted(request), term=term, initial={"survivor": request.GET.get("survivor", "")})
    if request.method == "POST" and form.is_valid():
        try:
            survivor = form.save(by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Merged {term.label} into {survivor.label}.")
            return redirect(survivor)
    query = (request.POST if request.method == "POST" else request.GET).get("q", "").strip()
    context = {
        "term": term,
        "form": form,
        "q": query,
        "candidates": form.candidates(query, MERGE_CANDIDATES),
        "chosen": str(form["survivor"].value() or ""),
        "usage": term.passages().count(),
        "is_retired": term.is_retired,
    }
    if request.htmx and request.method == "GET":
        return render(request, "annotations/term_merge.html#candidates", context)
    return render(request, "annotations/term_merge.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def term_retire(request: HttpRequest, slug: str) -> HttpResponse:
    """GET asks for confirmation, naming how many passages use the term; POST action=retire retires it,
    action=unretire brings it back (no confirmation needed: nothing is lost either way)."""
    term = get_term(slug)
    action = request.POST.get("action", "retire")
    require_curator(request.user, f"{'Bringing back' if action == 'unretire' else 'Retiring'} {term.label}")
    if request.method == "GET":
        passages = term.passages().filter(tag_visible_q(request.user))
        context = {
            "term": term,
            "passage_count": passages.values("span_id").distinct().count(),
            "article_count": passages.values("span__article_id").distinct().count(),
        }
        return render(request, "annotations/term_retire.html", context)
    if action not in {"retire", "unretire"}:
        return HttpResponseBadRequest("action must be retire or unretire")
    try:
        term.retire(by=request.user) if action == "retire" else term.unretire(by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = "Retired" if action == "retire" else "Brought back"
        messages.success(request, f"{done} {term.label}.")
    return redirect(term)


@require_POST
def term_accept(request: HttpRequest, slug: str) -> HttpResponse:
    """A lead accepts a proposed term into the vocabulary; back to the list it was accepted from."""
    term = get_term(slug)
    require_curator(request.user, f"Accepting {term.label}")
    try:
        term.accept(by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Accepted {term.label}.")
    return redirect("annotations:vocabulary" if request.POST.get("next") == "vocabulary" else term)


def vocabulary_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "json")
    if fmt not in {"json", "csv"}:
        return HttpResponseBadRequest(f"Unknown format “{fmt}”: use json or csv.")
    content_type = "application/json" if fmt == "json" else "text/csv"
    response = HttpResponse(export_vocabulary(fmt), content_type=f"{content_type}; charset=utf-8")
    filename = f"marginalia-vocabulary-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def vocabulary_import(request: HttpRequest) -> HttpResponse:
    form = VocabularyImportForm(posted(request), request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = load_vocabulary_bytes(upload.read(), filename=upload.name, user=request.user)
    status = 400 if form.errors or (report and not report.ok) else 200
    return render(
        request, "annotations/vocabulary_import.html", {"form": form, "report": report}, status=status
    )
