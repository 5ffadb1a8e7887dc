"""The Articles list and the Import page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import TooManyFilesSent
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from corpus.forms import ArticleFilterForm, ImportForm
from corpus.importers import ImportReport, import_text
from corpus.importers.jobs import start_import_job, stores_here
from corpus.models import Article
from ops.inputs import refuses_unreadable_upload, unreadable_message, unreadable_status

ARTICLES_PER_PAGE = 25


def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET)
    articles = form.filter(Article.objects.select_related("source").defer("body", "sentence_starts"))
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    # Counted for this page's articles only: a count over the whole corpus grows with it.
    Article.attach_passage_counts(page.object_list, viewer=request.user)
    context = {
        "form": form,
        "search": form.search,
        "page_obj": page,
        "filtered": any(request.GET.get(key) for key in ("q", "source", "published_from", "published_to")),
        "any_articles": page.paginator.count > 0 or Article.objects.exists(),
    }
    # Live search swaps only the results; a history restore needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "corpus/article_list.html#results" if partial else "corpus/article_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _unreadable_upload(request: HttpRequest, error: Exception) -> HttpResponse:
    """Django stops reading an upload at DATA_UPLOAD_MAX_NUMBER_FILES (or too much pasted text);
    none of it can be kept. The page says so in its own words (ops.inputs reads the body first)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    too_many = isinstance(error, TooManyFilesSent)
    return _import_page(
        request,
        ImportForm(),
        None,
        too_many_files=too_many,
        upload_refused="" if too_many else unreadable_message(error),
        status=unreadable_status(error),
    )


@refuses_unreadable_upload(_unreadable_upload)
def import_articles(request: HttpRequest) -> HttpResponse:
    """Pasted text is stored at once (its analysis follows in the background); files go to a job, and
    the answer is the job's page. A small upload is stored before the answer (its articles are listed
    at once); a larger one is run by the worker, and the page follows its progress."""
    report = job = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = _import_pasted(form, request.user)
            pasted_refused = bool(report.refused)
            if form.cleaned_data["files"]:
                files = form.cleaned_data["files"]
                shown = [] if pasted_refused else report.results
                job = start_import_job(files, request.user, shown, here=stores_here(files))
                if not pasted_refused:
                    return redirect(job)
            if not pasted_refused:
                form = ImportForm()  # done: a clean form for the next import; else keep the text typed
    else:
        form = ImportForm()
    return _import_page(request, form, report if report and report.results else None, job=job)


def _import_page(
    request: HttpRequest,
    form: ImportForm,
    report: ImportReport | None,
    *,
    too_many_files: bool = False,
    upload_refused: str = "",
    status: int = 200,
    job=None,
) -> HttpResponse:
    context = {
        "form": form,
        "report": report,
        "job": job,
        "too_many_files": too_many_files,
        "upload_refused": upload_refused,
        "max_import_bytes": settings.MARGINALIA_MAX_IMPORT_BYTES,
        "max_upload_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
    }
    return render(request, "corpus/import.html", context, status=status)


def _import_pasted(form: ImportForm, user) -> ImportReport:
    data = form.cleaned_data
    if not form.has_pasted_text:
        return ImportReport()
    return import_text(
        title=data["title"],
        text=data["text"],
        user=user,
        source=data["source"],
        authors=data["authors"],
        published=data["published"],
        url=data["url"],
        background=True,
    )
