"""The Annotations screen: every passage of the team (and, in its Claims view, every claim), filtered into
an annotated set that can be saved under a name and downloaded. The Claims view's own parts are in
annotations/views/claims_list.py."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from annotations.filters import FILTER_PARAMS, SORTS, SpanFilterForm
from annotations.filters_claims import ClaimFilterForm, filter_form_for
from annotations.forms_sets import RenameSetForm, SavedSetForm
from annotations.models import Claim, Note, SavedSet, Span, Tag, Term
from annotations.permissions import can_change
from annotations.views import claims_list
from annotations.views.paging import CappedPaginator
from corpus.models import Article, Source
from ops.inputs import parse_id

PER_PAGE = 50
MAX_DOWNLOAD_NAME = 80
DEFAULT_SORT = "-created"
ROLE_ORDER = [Tag.Role.SOURCE, Tag.Role.AGENT, Tag.Role.TARGET, Tag.Role.MENTIONED, Tag.Role.EVENT]
# (label, export parameters) of the download buttons, in the order analysts reach for them.
DOWNLOADS = [
    ("CSV", {"format": "csv"}),
    ("CSV for Excel", {"format": "csv", "bom": "1"}),
    ("Long CSV (a row per tag)", {"format": "csv-long"}),
    ("JSONL", {"format": "jsonl"}),
    ("W3C JSON-LD", {"format": "w3c"}),
    ("W3C JSON Lines", {"format": "w3c-jsonl"}),
]


@require_GET
def annotation_list(request: HttpRequest) -> HttpResponse:
    """Passages, or claims with view=claims. A filter that can't be applied is a 400 that names each bad
    parameter, with the screen and what was typed still shown."""
    filter_form = filter_form_for(request.GET, user=request.user)
    context = _list_context(request, filter_form)
    status = 400 if filter_form.errors else 200
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "annotations/annotation_list.html#results", context, status=status)
        # The address bar holds the filter in canonical form (no empty parameters), for bookmarks.
        if not filter_form.errors:
            push_url(response, context["canonical_url"])
    else:
        response = render(request, "annotations/annotation_list.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def save_set(request: HttpRequest) -> HttpResponse:
    save_form = SavedSetForm(request.POST, owner=request.user)
    if save_form.is_valid():
        saved_set = save_form.save()
        messages.success(request, f"Saved the set “{saved_set.name}”.")
        return redirect(saved_set.get_absolute_url())
    # Show the screen with the filter the analyst was looking at and the name they typed.
    query = request.POST.get("query", "")
    filter_form = filter_form_for(QueryDict(query), user=request.user)
    context = _list_context(request, filter_form, save_form=save_form)
    return render(request, "annotations/annotation_list.html", context, status=400)


@require_http_methods(["GET", "POST"])
def edit_set(request: HttpRequest, set_id: int) -> HttpResponse:
    """Rename a saved set, or confirm deleting it: the owner's (or a lead's) page."""
    saved_set = _get_set_for_change(request, set_id)
    rename_form = RenameSetForm(request.POST or None, instance=saved_set, initial={"name": saved_set.name})
    if request.method == "POST" and rename_form.is_valid():
        rename_form.save()
        messages.success(request, f"Renamed the set to “{saved_set.name}”.")
        return redirect(reverse("annotations:annotation-list") + "#saved-sets")
    status = 400 if request.method == "POST" else 200
    context = {"saved_set": saved_set, "rename_form": rename_form}
    return render(request, "annotations/saved_set.html", context, status=status)


@require_POST
def delete_set(request: HttpRequest, set_id: int) -> HttpResponse:
    saved_set = _get_set_for_change(request, set_id)
    name = saved_set.name
    saved_set.delete()
    messages.success(request, f"Deleted the set “{name}”. Its passages are untouched.")
    return redirect(reverse("annotations:annotation-list") + "#saved-sets")


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """Download the current filter (?format=csv&<filter>) or a saved set (?format=csv&set=<id>).
    The claims formats (claims-csv, claims-jsonl) read the filter as the Claims view does."""
    # Imported here so the screen keeps working while the export module is being changed.
    from annotations.export import FORMATS, export_filename, stream

    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        return HttpResponseBadRequest(
            f"Unknown export format “{fmt}”; use one of {', '.join(FORMATS)}.", content_type="text/plain"
        )
    bom = request.GET.get("bom", "") in {"1", "true", "yes", "on"}
    if request.GET.get("set"):
        saved_set = get_object_or_404(SavedSet, pk=_as_id(request.GET["set"]))
        filter_form, set_name = saved_set.filter_form(), saved_set.name
    elif FORMATS[fmt].claims:
        filter_form, set_name = ClaimFilterForm(request.GET, user=request.user), _download_name(request)
    else:
        filter_form, set_name = filter_form_for(request.GET, user=request.user), _download_name(request)
    if not filter_form.is_valid():
        problems = " ".join(f"{name}: {' '.join(errors)}" for name, errors in filter_form.errors.items())
        return HttpResponseBadRequest(f"The filter has errors. {problems}", content_type="text/plain")
    if FORMATS[fmt].claims != isinstance(filter_form, ClaimFilterForm):
        return HttpResponseBadRequest(_format_mismatch(fmt, set_name), content_type="text/plain")
    base_url = request.build_absolute_uri("/")[:-1]
    screen_url = reverse("annotations:annotation-list")
    collection_url = base_url + (
        f"{screen_url}?{filter_form.query_string()}" if filter_form.query_string() else screen_url
    )
    # A large set is written by a worker; the answer is the job's page (annotations/export_jobs.py).
    from annotations.export_jobs import export_in_background, export_records

    if job := export_in_background(
        request, fmt, filter_form, set_name=set_name, bom=bom, collection_id=collection_url
    ):
        return redirect(job)
    # Independent coding: what the analyst may not see is not exported either.
    records = export_records(filter_form, FORMATS[fmt].claims, request.user)
    response = StreamingHttpResponse(
        stream(
            fmt,
            records,
            viewer=request.user,
            base_url=base_url,
            bom=bom,
            label=set_name or None,
            collection_id=collection_url,
        ),
        content_type=FORMATS[fmt].content_type,
    )
    filename = export_filename(fmt, set_name or None, timezone.localdate(), bom=bom)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _download_name(request: HttpRequest) -> str:
    """The name a download of the current filter carries in its file name (`name=`): the saved set the
    screen shows, so that the CSV of "IRGC agents" is not marginalia-all-….csv."""
    return request.GET.get("name", "").strip()[:MAX_DOWNLOAD_NAME]


def _format_mismatch(fmt: str, set_name: str) -> str:
    what = f"The set “{set_name}”" if set_name else "This filter"
    if fmt.startswith("claims-"):
        return f"{what} selects passages; format {fmt} exports claims: use the Claims view (view=claims)."
    return f"{what} selects claims (view=claims); export it as claims-csv or claims-jsonl, not {fmt}."


def _list_context(
    request: HttpRequest, filter_form: SpanFilterForm, *, save_form: SavedSetForm | None = None
) -> dict:
    valid = filter_form.is_valid()
    query = filter_form.query_string()
    sort = (filter_form.cleaned_data.get("sort") if valid else "") or DEFAULT_SORT
    claims_view = isinstance(filter_form, ClaimFilterForm)
    page = None
    if valid and claims_view:
        page = claims_list.claims_page(request, filter_form, sort, PER_PAGE)
    elif valid:
        spans = (
            filter_form.spans(viewer=request.user)  # independent coding: what they may not see is left out
            .order_by(*SORTS[sort])
            .select_related("article__source", "created_by")
            # The list shows an article's title, source and date: its text is left where it is (50 texts
            # a page, and every matching row carried its article's text into the database's sort).
            .defer("article__body", "article__search_vector", "article__sentence_starts")
            .prefetch_related(
                Prefetch("tags", queryset=Tag.objects.select_related("term").order_by("pk")),
                Prefetch(
                    "notes",
                    queryset=Note.objects.live()
                    .visible_to(request.user)
                    .select_related("author")
                    .order_by("created_at", "pk"),
                    to_attr="live_notes",
                ),
            )
        )
        page = CappedPaginator(spans, PER_PAGE).get_page(request.GET.get("page"))
        for span in page.object_list:
            span.terms_by_role = _terms_by_role(span)
    sort_query = f"{query}&sort={sort}" if query else f"sort={sort}"
    list_url = reverse("annotations:annotation-list")
    canonical_url = list_url + "?" + sort_query if sort != DEFAULT_SORT or query else list_url
    if page is not None and page.number > 1:
        canonical_url = f"{list_url}?{sort_query}&page={page.number}"
    export_url = reverse("annotations:export")
    base_query = _base_query(filter_form)
    context = {
        "claims_view": claims_view,
        "view_links": {
            "passages": list_url + (f"?{base_query}" if base_query else ""),
            "claims": f"{list_url}?view=claims" + (f"&{base_query}" if base_query else ""),
        },
        "filter_form": filter_form,
        "page": page,
        "sort": sort,
        "query": query,
        "sort_query": sort_query,
        "canonical_url": canonical_url,
        "filter_in_words": filter_form.in_words() if valid else "",
        "downloads": [
            (label, f"{export_url}?{urlencode(params)}{'&' + query if query else ''}")
            for label, params in DOWNLOADS
        ],
        "save_form": save_form or SavedSetForm(owner=request.user, initial={"query": query}),
        "saved_sets": _saved_sets(request),
        "choices": _filter_choices(filter_form.data.get("article", "")),
        "selected": {
            name: [value for value in filter_form.data.getlist(name) if value] for name in ("term", "analyst")
        },
        "also": [
            (name, value)
            for name in filter_form.params
            if name in filter_form.multi_valued
            for value in [value for value in filter_form.data.getlist(name) if value][1:]
        ],
        "sort_links": _sort_links(query, sort),
    }
    if claims_view:
        context.update(claims_list.claims_context(filter_form, query))
    shown = _set_shown(context["saved_sets"], query, request.user)
    if shown is not None:
        # The downloads of a saved set's filter carry its name into their file names.
        name = urlencode({"name": shown.name})
        context["downloads"] = [(label, f"{url}&{name}") for label, url in context["downloads"]]
    context["set_shown"] = shown
    return context


def _set_shown(saved_sets: list[SavedSet], query: str, user) -> SavedSet | None:
    """The saved set whose filter the screen shows, the analyst's own first."""
    matching = [saved_set for saved_set in saved_sets if query and saved_set.query == query]
    return next((s for s in matching if s.owner_id == user.pk), matching[0] if matching else None)


def _base_query(filter_form: SpanFilterForm) -> str:
    """The filter's passages-view parameters, which carry over when switching view."""
    query = QueryDict(mutable=True)
    for name in FILTER_PARAMS:
        values = [value for value in filter_form.data.getlist(name) if value.strip()]
        if values:
            query.setlist(name, values)
    return query.urlencode()


def _terms_by_role(span: Span) -> list[tuple[str, list[Term]]]:
    by_role: dict[str, list[Term]] = {}
    for tag in span.tags.all():
        by_role.setdefault(tag.role, []).append(tag.term)
    return [(role, by_role[role]) for role in ROLE_ORDER if role in by_role]


def _filter_choices(article: str) -> dict:
    User = get_user_model()
    terms = list(Term.objects.active().only("pk", "slug", "label", "kind", "parent_id").order_by("label"))
    articles, older = _article_choices(article)
    return {
        "articles": articles,
        "older_articles": older,
        "sources": Source.objects.only("pk", "name").order_by("name"),
        "actors": _as_tree([term for term in terms if term.kind == Term.Kind.ACTOR]),
        "events": _as_tree([term for term in terms if term.kind == Term.Kind.EVENT]),
        "roles": Tag.Role.choices,
        "kinds": Term.Kind.choices,
        # Whoever made a passage or coded a claim: EXISTS per analyst and table (an index lookup each), not
        # a join or an IN over every passage (0.3–0.6 s at 1,000,000 passages on PostgreSQL).
        "analysts": User.objects.filter(
            Exists(Span.objects.filter(created_by=OuterRef("pk")))
            | Exists(Claim.objects.filter(created_by=OuterRef("pk")))
        ).order_by(User.USERNAME_FIELD),
    }


ARTICLE_CHOICES = 300


def _article_choices(selected: str) -> tuple[list[Article], int]:
    """The article menu: every article while there are few; past ARTICLE_CHOICES, the latest imported
    and the one selected, with how many older ones are left out (a menu of every article grows with the
    corpus: 10,000 options are half a megabyte and most of the screen's time)."""
    latest = list(Article.objects.only("pk", "title").order_by("-pk")[: ARTICLE_CHOICES + 1])
    if len(latest) <= ARTICLE_CHOICES:
        return sorted(latest, key=lambda a: a.title.casefold()), 0
    latest = latest[:ARTICLE_CHOICES]
    chosen = parse_id(selected)
    if chosen is not None and all(a.pk != chosen for a in latest):
        latest += list(Article.objects.only("pk", "title").filter(pk=chosen))
    older = Article.objects.count() - ARTICLE_CHOICES
    return sorted(latest, key=lambda a: a.title.casefold()), older


def _as_tree(terms: list[Term]) -> list[Term]:
    """Terms in outline order, each narrower term under its parent with an indented label, so the
    select shows what a term includes."""
    ids = {term.pk for term in terms}
    children: dict[int | None, list[Term]] = {}
    for term in terms:
        children.setdefault(term.parent_id if term.parent_id in ids else None, []).append(term)
    ordered: list[Term] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for term in children.get(parent_id, []):
            term.indented_label = "\u2003" * depth + ("↳ " if depth else "") + term.label
            ordered.append(term)
            walk(term.pk, depth + 1)

    walk(None, 0)
    return ordered


def _saved_sets(request: HttpRequest) -> list[SavedSet]:
    saved_sets = list(SavedSet.objects.select_related("owner").order_by("name", "pk"))
    for saved_set in saved_sets:
        saved_set.changeable = can_change(request.user, saved_set.owner_id)
        saved_set.network_links = [
            (download.label, download.default_link(set=str(saved_set.pk)))
            for download in claims_list.REGISTERED_DOWNLOADS
            if saved_set.is_claims
        ]
    return saved_sets


def _sort_links(query: str, current: str) -> dict[str, str]:
    """Column header links: clicking the sorted column reverses it."""
    list_url = reverse("annotations:annotation-list")
    links = {}
    for key in ("created", "updated", "article", "published", "analyst"):
        wanted = f"-{key}" if current == key else key
        links[key] = f"{list_url}?{query + '&' if query else ''}sort={wanted}"
    return links


def _get_set_for_change(request: HttpRequest, set_id: int) -> SavedSet:
    saved_set = get_object_or_404(SavedSet.objects.select_related("owner"), pk=set_id)
    if not can_change(request.user, saved_set.owner_id):
        raise PermissionDenied("Only the set's owner or a lead can change it.")
    return saved_set


def _as_id(value: str) -> int:
    if parse_id(value) is None:
        raise Http404(f"No saved set “{value}”.")
    return parse_id(value)
