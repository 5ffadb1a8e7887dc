"""The job page (progress that updates itself, then the report or the download), resume, download."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from jobs.access import get_job_for
from jobs.models import Job

# How often the page asks for news while a job runs (htmx polling).
POLL_MS = 700


@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_job_for(request.user, job_id)
    # A long import's report shows the lines that need reading first; `?lines=all` shows every one.
    context = {"job": job, "poll_ms": POLL_MS, "show_all_lines": request.GET.get("lines") == "all"}
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "jobs/job.html#progress" if partial else "jobs/job.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def resume_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_job_for(request.user, job_id)
    if not job.resumable:
        messages.info(request, "This job is not stopped: nothing to resume.")
    else:
        job.resume()
        messages.success(request, "Resumed: the job goes on from where it stopped.")
    return redirect(job)


@require_GET
def download(request: HttpRequest, job_id: int) -> FileResponse:
    job = get_job_for(request.user, job_id)
    if job.status != Job.Status.DONE or not job.file:
        raise Http404("This job has no file to download (yet).")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this job is gone from the server; export again.") from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=job.params.get("filename") or job.file.name.rsplit("/", 1)[-1],
        content_type=job.params.get("content_type") or "application/octet-stream",
    )
