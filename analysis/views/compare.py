"""Compare mode: a lead adjudicates an article's codings unit by unit (analysis/compare.py).

Its own page, linked from the reader (the Compare switch a lead sees on an independently assigned
article), from My work and from the Agreement screen. Every action is a plain form post that lands back
on the unit (it works without JavaScript); static/js/compare.js adds the keys (j/k, 1–9, e, r) and swaps
the decided unit in place with htmx, so the lead never loses their place.

A refused decision comes back as the page with the message in its unit (409, 422); a refused edit (a bad
claim value, a term that is not in the vocabulary) with the unit's edit form open, holding what was typed.
Nothing is saved. Only a colleague who is not a lead gets the plain refusal page (403).
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from analysis.compare import Unit, compare_units
from annotations.folding import fold
from annotations.models import CLAIM_ENUMERATIONS, Assignment, Decision, Refused, Span, Tag, Term
from annotations.models.adjudication import check_can_adjudicate
from annotations.models.assignments import AssignedArticle
from annotations.views.assignments import refused
from corpus.models import Article
from ops.inputs import parse_id

SHOWN = {"all": "every unit", "differing": "units with differences", "undecided": "units not yet adjudicated"}


def _assignment(value: str) -> Assignment | None:
    return Assignment.objects.filter(pk=parse_id(value)).first() if parse_id(value or "") else None


@require_GET
def compare(request: HttpRequest, article_id: int) -> HttpResponse:
    """Compare mode for one article: every unit's versions side by side, field by field, with the lead's
    decisions. ?assignment=ID compares that assignment's analysts; ?show=differing|undecided narrows."""
    try:
        check_can_adjudicate(request.user)
    except Refused as error:
        return refused(request, error)
    article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    return compare_page(request, article, _assignment(request.GET.get("assignment", "")))


def compare_page(
    request: HttpRequest,
    article: Article,
    assignment: Assignment | None,
    *,
    failed: tuple[str, str, QueryDict] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page; `failed` is (unit key, message, what was posted) after a refused decision: the unit
    shows the message, and a refused edit what was typed."""
    coders = list(assignment.analysts()) if assignment else None
    units = compare_units(article, coders)
    show = request.GET.get("show", "all") if request.GET.get("show") in SHOWN else "all"
    for number, unit in enumerate(units, 1):
        unit.number = number
        prepare_edit(unit)
    problem = ""
    if failed is not None:
        key, problem, posted = failed
        for unit in units:
            if unit.key == key:
                unit.error, problem = problem, ""
                if posted.get("action") == "edit":
                    keep_typed(unit, posted)
    shown = [
        unit
        for unit in units
        if show == "all"
        or (show == "differing" and unit.differs)
        or (show == "undecided" and unit.decision is None)
        or unit.error
    ]
    blind = AssignedArticle.objects.blind().filter(article=article).exists()
    query = {"assignment": assignment.pk} if assignment else {}
    context = {
        "article": article,
        "assignment": assignment,
        "assignments": Assignment.objects.filter(tasks__article=article).distinct().order_by("-created_at"),
        "units": shown,
        "unit_count": len(units),
        "differing": sum(unit.differs for unit in units),
        "decided": sum(unit.decision is not None for unit in units),
        "show": show,
        "shown_choices": SHOWN,
        "shown_label": SHOWN[show],
        "coding_over": not blind,
        "problem": problem,  # a refusal that is about no unit of the page
        "query": query,
        "roles": Tag.Role.choices,
        "adjudicated_claims_url": _export_url(article, "claims-csv"),
        "adjudicated_csv_url": _export_url(article, "csv"),
    }
    return render(request, "analysis/compare.html", context, status=status)


def _export_url(article: Article, fmt: str) -> str:
    params = f"format={fmt}&article={article.pk}&coding=adjudicated"
    return (
        reverse("annotations:export")
        + "?"
        + (f"{params}&view=claims" if fmt.startswith("claims") else params)
    )


def prepare_edit(unit: Unit) -> None:
    """The edit form's starting point: the first version's tags ticked, each tag's role; every claim."""
    first = {(tag.term_id, tag.role) for tag in unit.versions[0].tag_list}
    unit.edit_tags = [
        {
            "term": tag.term,
            "role": tag.role,
            "checked": (tag.term_id, tag.role) in first,
            "roles": tag.role_choices,
        }
        for tag in unit.offered_tags()
    ]
    unit.new_tag = {"name": "", "role": ""}
    unit.keep_from = unit.versions[0].pk
    for slot in unit.claim_slots:
        slot.include = True
    unit.speaker_terms = unit.offered_terms("actor")
    unit.target_terms = unit.offered_terms("actor", "event")


def keep_typed(unit: Unit, posted: QueryDict) -> None:
    """After a refusal the form holds what was typed, not the versions' values."""
    unit.keep_from = parse_id(posted.get("keep", "")) or unit.keep_from
    for n, tag in enumerate(unit.edit_tags):
        tag["checked"] = bool(posted.get(f"tag-{n}-keep"))
        tag["role"] = posted.get(f"tag-{n}-role", tag["role"])
    unit.new_tag = {"name": posted.get("tag-new-name", ""), "role": posted.get("tag-new-role", "")}
    for n, slot in enumerate(unit.claim_slots):
        slot.include = bool(posted.get(f"claim-{n}-include"))
        slot.initial = {
            key[len(f"claim-{n}-") :]: value for key, value in posted.items() if key.startswith(f"claim-{n}-")
        }


@require_POST
def decide(request: HttpRequest, article_id: int) -> HttpResponse:
    """POST versions (span ids), action keep|edit|reject, keep (span id); for an edit the tags
    (tag-N-keep, tag-N-term, tag-N-role; tag-new-name, tag-new-role; or tag=TERM_ID:ROLE) and the
    claims (claim-N-include with claim-N-<field>; or claim=ID to copy a version's claim)."""
    article = get_object_or_404(Article, pk=article_id)
    ids = [value for value in request.POST.getlist("versions") if parse_id(value)]
    versions = list(
        Span.objects.filter(pk__in=ids, article=article)
        .select_related("created_by", "article")
        .order_by("pk")
    )
    assignment = _assignment(request.POST.get("assignment", ""))
    try:
        check_can_adjudicate(request.user)
        if len(versions) != len(request.POST.getlist("versions")) or not versions:
            raise Refused("These passages are not versions on this article; reload the page.")
        keep = next((s for s in versions if str(s.pk) == request.POST.get("keep", "")), None)
        action = request.POST.get("action", "")
        tags, claims = (
            (tags_from_post(request.POST), claims_from_post(request.POST)) if action == "edit" else ([], [])
        )
        decision = Decision.decide(
            versions, action, by=request.user, keep=keep, tags=tags, claims=claims, assignment=assignment
        )
    except Refused as error:
        if not versions or error.status == 403:
            return refused(request, error)
        key = "-".join(
            str(span.pk) for span in sorted(versions, key=lambda s: (s.created_by.get_username(), s.pk))
        )
        return compare_page(
            request, article, assignment, failed=(key, error.message, request.POST), status=error.status
        )
    if not request.htmx:
        messages.success(request, f"Adjudicated: {decision.get_action_display().lower()}.")
    url = reverse("analysis:compare", args=[article.pk])
    query = [f"assignment={decision.assignment_id}"] if decision.assignment_id else []
    if request.POST.get("show") in SHOWN:
        query.append(f"show={request.POST['show']}")
    return redirect(url + (f"?{'&'.join(query)}" if query else "") + f"#unit-{versions[0].pk}")


def tags_from_post(post: QueryDict) -> list[tuple[int, str]]:
    """(term id, role) of every tag the edit keeps: ticked rows, a term named anew, or tag=TERM_ID:ROLE."""
    tags = []
    for value in post.getlist("tag"):
        term_id, _, role = value.partition(":")
        if parse_id(term_id) is None or not role:
            raise Refused(f"“{value}” is not a tag (TERM_ID:ROLE).")
        tags.append((int(term_id), role))
    rows = sorted({int(m.group(1)) for key in post if (m := re.fullmatch(r"tag-(\d+)-term", key))})
    for n in rows:
        if post.get(f"tag-{n}-keep"):
            term_id = parse_id(post.get(f"tag-{n}-term", ""))
            if term_id is None:
                raise Refused("A tag of the edit names no term; reload the page.")
            tags.append((term_id, post.get(f"tag-{n}-role", "")))
    name = post.get("tag-new-name", "").strip()
    if name:
        tags.append((term_named(name).pk, post.get("tag-new-role", "")))
    return tags


def claims_from_post(post: QueryDict) -> list[int | dict[str, str]]:
    """Each claim the edit keeps, as the values the claim form would send (checked by the model), or a
    version's claim id to copy."""
    claims: list[int | dict[str, str]] = []
    for value in post.getlist("claim"):
        if parse_id(value) is None:
            raise Refused("Claims are chosen by their ids.")
        claims.append(int(value))
    slots = sorted({int(m.group(1)) for key in post if (m := re.fullmatch(r"claim-(\d+)-slot", key))})
    for n in slots:
        if not post.get(f"claim-{n}-include"):
            continue
        field = lambda name, n=n: post.get(f"claim-{n}-{name}", "").strip()  # noqa: E731
        values = {name: field(name) for name in CLAIM_ENUMERATIONS}
        values.update(
            reporting_verb=field("reporting_verb"),
            hedge_cues=field("hedge_cues"),
            contested="1" if field("contested") else "0",
        )
        choice, name = field("speaker_choice"), field("speaker_name")
        if name:
            values.update(speaker_kind="actor", speaker=str(term_named(name, ("actor",)).pk))
        elif choice.startswith("actor:"):
            values.update(speaker_kind="actor", speaker=choice.partition(":")[2])
        elif choice == "unnamed":
            values.update(
                speaker_kind="unnamed",
                unnamed_speaker=field("unnamed_speaker"),
                speaker_group=field("speaker_group"),
            )
        else:
            values["speaker_kind"] = choice
        target_name = field("target_name")
        values["target"] = str(term_named(target_name).pk) if target_name else field("target")
        claims.append(values)
    return claims


def term_named(name: str, kinds: tuple[str, ...] = ("actor", "event")) -> Term:
    """The one active term this name (label or alias, compared as the vocabulary compares names) is."""
    key = fold(name)
    found = list(
        Term.objects.active()
        .filter(kind__in=kinds)
        .filter(Q(label_key=key) | Q(aliases__key=key))
        .distinct()
        .order_by("label")[:5]
    )
    if not found:
        what = "actor" if kinds == ("actor",) else "term"
        raise Refused(f"No {what} of the vocabulary is called “{name}”; add it to the vocabulary first.")
    if len(found) > 1:
        labels = ", ".join(term.label for term in found)
        raise Refused(f"“{name}” names several terms ({labels}); type the one you mean in full.")
    return found[0]
