"""The Claims view of the Annotations screen (?view=claims): its page of claims, filter choices and
downloads. The view function itself is annotations_list.annotation_list, which picks the form.

Apps built on annotations add downloads of a claims set here (the discourse network of `analysis`) with
`register_claims_download`, so that annotations never imports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page
from django.http import HttpRequest, QueryDict
from django.urls import reverse

from annotations.filters_claims import CLAIM_SORTS, ClaimFilterForm
from annotations.models import (
    AttributionType,
    Certainty,
    Claim,
    ClaimType,
    EventModality,
    EvidenceCited,
    SpeakerKind,
    SpeakerRole,
    Stance,
    Term,
)
from annotations.views.paging import CappedPaginator

CLAIM_DOWNLOADS = [
    ("Claims CSV", {"format": "claims-csv"}),
    ("Claims CSV for Excel", {"format": "claims-csv", "bom": "1"}),
    ("Claims JSONL", {"format": "claims-jsonl"}),
]


@dataclass(frozen=True)
class ClaimsDownload:
    """A download of the current claims set offered by another app: a GET form to `url_name` carrying
    the filter, with a select for each option (name -> [(value, label)], the first is the default)."""

    label: str
    url_name: str
    options: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def default_link(self, **params: str) -> str:
        defaults = {name: choices[0][0] for name, choices in self.options.items()}
        return f"{self.url}?{urlencode({**defaults, **params})}"


REGISTERED_DOWNLOADS: list[ClaimsDownload] = []


def register_claims_download(download: ClaimsDownload) -> None:
    """Offer `download` on the Claims view and for saved claims sets (called from an AppConfig.ready)."""
    if all(existing.url_name != download.url_name for existing in REGISTERED_DOWNLOADS):
        REGISTERED_DOWNLOADS.append(download)


def claims_page(request: HttpRequest, form: ClaimFilterForm, sort: str, per_page: int) -> Page:
    claims = (
        form.claims(viewer=request.user)  # independent coding: others' blind work is left out
        .order_by(*CLAIM_SORTS[sort])
        .select_related("span", "article__source", "created_by", "speaker", "speaker_group", "target")
    )
    page = CappedPaginator(claims, per_page).get_page(request.GET.get("page"))  # counts stop at 10,000
    for claim in page.object_list:
        claim.speaker_words = speaker_in_words(claim)
    return page


def speaker_in_words(claim: Claim) -> str:
    """Who speaks, as the table shows it: an actor's label, “Author: <by-line>”, or an unnamed source's
    description with the actor it belongs to."""
    if claim.speaker_kind == SpeakerKind.ACTOR:
        return claim.speaker.label
    if claim.speaker_kind == SpeakerKind.AUTHOR:
        article = claim.article
        return "Author: " + (article.authors or (article.source.name if article.source else "") or "unknown")
    group = f" ({claim.speaker_group.label})" if claim.speaker_group else ""
    return f"“{claim.unnamed_speaker}”{group}"


def claims_context(form: ClaimFilterForm, query: str) -> dict:
    export_url = reverse("annotations:export")
    hidden = QueryDict(query)
    return {
        "downloads": [
            (label, f"{export_url}?{urlencode(params)}{'&' + query if query else ''}")
            for label, params in CLAIM_DOWNLOADS
        ],
        "claims_downloads": REGISTERED_DOWNLOADS,
        "claims_hidden": [(name, value) for name in hidden for value in hidden.getlist(name)],
        "claim_choices": _claim_choices(),
        "claim_selected": {
            name: next((value for value in form.data.getlist(name) if value), "")
            for name in ("speaker", "target", "speaker_role", "attribution", "claim_type", "stance")
            + ("certainty", "modality", "evidence", "contested")
        },
    }


def _claim_choices() -> dict:
    # Actors and events for speaker and target are the screen's term choices (choices.actors/events).
    groups = Term.objects.filter(
        pk__in=Claim.objects.live().filter(speaker_group__isnull=False).values("speaker_group_id")
    ).order_by("label")
    return {
        "groups": groups,
        "speaker_role": SpeakerRole.choices,
        "attribution": AttributionType.choices,
        "claim_type": ClaimType.choices,
        "stance": Stance.choices,
        "certainty": Certainty.choices,
        "modality": EventModality.choices,
        "evidence": EvidenceCited.choices,
    }
