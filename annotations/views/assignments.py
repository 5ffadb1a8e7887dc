"""Assignments: a lead assigns articles; My work shows each analyst their articles and statuses, and
leads everyone's progress.

Every door checks the same rules, kept on the models: `Assignment.hand_out`/`close`/`reopen` refuse
anyone but a lead, `AssignedArticle.set_status` anyone but the analyst or a lead.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotations.forms_assignments import ArticleChoice, AssignForm
from annotations.models import AssignedArticle, Assignment, Refused, SavedSet, Status
from annotations.models.assignments import check_can_assign
from annotations.permissions import can_change, is_lead
from ops.inputs import parse_id

TASKS_PER_PAGE = 100
ARTICLES_SHOWN = 50


def refused(request: HttpRequest, error: Refused) -> HttpResponse:
    """A refusal as a page that says why, with the status the rule gave (403, 409, 422)."""
    return render(request, "annotations/refused.html", {"message": error.message}, status=error.status)


@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest) -> HttpResponse:
    """GET: the articles about to be assigned and the form; POST: assign them."""
    try:
        check_can_assign(request.user)
    except Refused as error:
        return refused(request, error)
    params = request.POST if request.method == "POST" else request.GET
    choice = ArticleChoice(params)
    form = AssignForm(request.POST or None)
    status = 400 if choice.errors else 200
    if request.method == "POST" and not choice.errors and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = Assignment.hand_out(
                choice.articles.only("pk", "title"),
                data["analysts"],
                by=request.user,
                independent=data["independent"],
                due=data["due"],
                note=data["note"],
                name=data["name"],
            )
        except Refused as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, f"Assigned: {assignment.tasks.count()} articles to code.")
            return redirect(assignment)
    if form.errors and status == 200:
        status = 400
    context = {
        "choice": choice,
        "form": form,
        "article_count": choice.articles.count() if not choice.errors else 0,
        "articles": choice.articles[:ARTICLES_SHOWN] if not choice.errors else [],
        "articles_shown": ARTICLES_SHOWN,
    }
    return render(request, "annotations/assign.html", context, status=status)


@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    """The analyst's assigned articles; a lead's view has everyone's, filtered by analyst and assignment."""
    lead = is_lead(request.user)
    tasks = AssignedArticle.objects.with_counts().select_related("assignment", "article__source", "analyst")
    assignments = Assignment.objects.with_progress().select_related("created_by")
    if not lead:
        tasks = tasks.filter(analyst=request.user)
        # A subquery, not a join: a join on tasks would multiply the progress counts.
        mine = AssignedArticle.objects.filter(analyst=request.user).values("assignment_id")
        assignments = assignments.filter(pk__in=mine)
    problems, chosen = [], {"analyst": None, "assignment": None}
    analyst_name = request.GET.get("analyst", "").strip()
    if analyst_name:
        User = get_user_model()
        chosen["analyst"] = User.objects.filter(**{User.USERNAME_FIELD: analyst_name}).first()
        if chosen["analyst"] is None:
            problems.append(f"No analyst called “{analyst_name}”.")
        else:
            tasks = tasks.filter(analyst=chosen["analyst"])
    assignment_id = request.GET.get("assignment", "").strip()
    if assignment_id:
        chosen["assignment"] = (
            assignments.filter(pk=parse_id(assignment_id)).first() if parse_id(assignment_id) else None
        )
        if chosen["assignment"] is None:
            problems.append(f"No assignment “{assignment_id}”.")
        else:
            tasks = tasks.filter(assignment=chosen["assignment"])
    tasks = tasks.order_by("-assignment__created_at", "-assignment_id", "article__title", "analyst__username")
    page = Paginator(tasks if not problems else tasks.none(), TASKS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for task in page.object_list:
        task.changeable = can_change(request.user, task.analyst_id) and not task.assignment.is_closed
        task.effective_label = Status(task.effective_status).label
    User = get_user_model()
    context = {
        "is_lead": lead,
        "page": page,
        "problems": problems,
        "chosen": chosen,
        "assignments": assignments.order_by("closed_at", "-created_at", "-pk") if lead else assignments,
        "analysts": User.objects.filter(assigned_articles__isnull=False).distinct().order_by("username")
        if lead
        else [],
        "saved_sets": SavedSet.objects.select_related("owner").order_by("name") if lead else [],
        "Status": Status,
    }
    return render(request, "annotations/my_work.html", context, status=400 if problems else 200)


@require_POST
def set_status(request: HttpRequest, task_id: int) -> HttpResponse:
    """Mark an article done, reopen it, or start it (POST status, version)."""
    task = get_object_or_404(
        AssignedArticle.objects.select_related("assignment", "article", "analyst"), pk=task_id
    )
    try:
        task.set_status(request.POST.get("status", ""), by=request.user, version=request.POST.get("version"))
    except Refused as error:
        return refused(request, error)
    messages.success(request, f"“{task.article.title}”: {task.get_status_display().lower()}.")
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    return redirect(back if back and safe else reverse("annotations:my-work"))


@require_POST
def close_assignment(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """Close (action=close) or reopen (action=reopen) an assignment: leads only."""
    assignment = get_object_or_404(Assignment, pk=assignment_id)
    action = request.POST.get("action", "close")
    try:
        if action == "close":
            assignment.close(by=request.user)
        elif action == "reopen":
            assignment.reopen(by=request.user)
        else:
            raise Refused(f"“{action}” is not something to do to an assignment; use close or reopen.")
    except Refused as error:
        return refused(request, error)
    messages.success(request, f"{'Closed' if action == 'close' else 'Reopened'} {assignment}.")
    return redirect(assignment)
