"""Large exports written by a worker: over MARGINALIA_EXPORT_JOB_PASSAGES passages, the Annotations
screen's download buttons start a job and answer with its page, which offers the file when it is
written. Smaller sets, and the command line, keep streaming (annotations.export.stream).

The job keeps the filter as a query string and reads the set when it runs. A worker killed while
writing leaves only a `.part` file; the job, resumed, writes the whole file again.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django_tasks import task

from annotations.filters import SpanFilterForm
from annotations.filters_claims import ClaimFilterForm
from jobs.models import Job, job_files

TASK_PATH = "annotations.export_jobs.run_export_job"
# Seconds between the worker's signs of life while it writes.
BEAT_SECONDS = 2.0


def export_in_background(
    request: HttpRequest,
    fmt: str,
    filter_form: SpanFilterForm,
    *,
    set_name: str,
    bom: bool,
    collection_id: str,
) -> Job | None:
    """A queued job writing this export if the set holds more passages than the threshold; None if it
    is small enough to stream in the response. `filter_form` is valid."""
    from annotations.export import FORMATS, export_filename

    export_format = FORMATS[fmt]
    total = export_records(filter_form, export_format.claims, request.user).count()
    if total <= settings.MARGINALIA_EXPORT_JOB_PASSAGES:
        return None
    job = Job.objects.create(
        owner=request.user,
        kind=Job.Kind.EXPORT,
        title=f"Export of {total:,} {'claims' if export_format.claims else 'passages'}: "
        f"{export_format.label}",
        task_path=TASK_PATH,
        total=total,
        params={
            "format": fmt,
            # "me" becomes the username: the job reads the set as the analyst saw it.
            "query": filter_form.query_string(owner=request.user),
            "bom": bom,
            "label": set_name,
            "base_url": request.build_absolute_uri("/")[:-1],
            "collection_id": collection_id,
            "filename": export_filename(fmt, set_name or None, timezone.localdate(), bom=bom),
            "content_type": export_format.content_type,
        },
    )
    job.enqueue()
    return job


def export_records(filter_form: SpanFilterForm, claims: bool, viewer):
    """The passages (or claims) of a valid filter that `viewer` may see (independent coding). The
    stream (annotations.export.stream) is given the viewer too, for the notes and claims it reads."""
    if claims:
        return filter_form.claims(viewer=viewer)
    return filter_form.spans(viewer=viewer)


@task()
def run_export_job(job_id: int) -> str:
    from annotations.export import FORMATS, stream

    job = Job.objects.select_related("owner").get(pk=job_id)
    if not job.start():
        return "already done"
    params = job.params
    claims = FORMATS[params["format"]].claims
    form_class = ClaimFilterForm if claims else SpanFilterForm
    filter_form = form_class(QueryDict(params["query"]), user=job.owner)
    if not filter_form.is_valid():
        job.fail(
            "the filter no longer holds: "
            + "; ".join(f"{k}: {' '.join(v)}" for k, v in filter_form.errors.items())
        )
        return "filter no longer valid"
    name = f"exports/{job.pk}/{params['filename']}"
    path = Path(job_files.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    chunks = stream(
        params["format"],
        export_records(filter_form, claims, job.owner),
        viewer=job.owner,
        base_url=params["base_url"],
        bom=params["bom"],
        label=params["label"] or None,
        collection_id=params["collection_id"],
    )
    try:
        with open(partial, "wb") as out:
            last_beat = time.monotonic()
            for chunk in chunks:
                out.write(chunk.encode("utf-8"))
                if time.monotonic() - last_beat > BEAT_SECONDS:
                    job.beat(file_size=out.tell())
                    last_beat = time.monotonic()
        os.replace(partial, path)
    except Exception as exc:
        job.fail(f"{type(exc).__name__}: {exc}")
        raise
    job.finish(file=name, file_size=path.stat().st_size, done=job.total)
    return name
