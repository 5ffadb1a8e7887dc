"""The filter of the Claims view: which claims make up the set, with every claim field.

ClaimFilterForm takes every parameter of the passages view (annotations/filters.py) and reads it for
claims: article, source and published dates are the claim's article's; term, role and kind ask for a tag
on the claim's passage; analyst and created dates are the claim's (who coded it, when); q is text in the
passage's quote, in a live note on it, or in an unnamed speaker's description; coding is the passage's
(adjudicated: the claims of the leads' adjudicated passages). Then, AND across parameters
and any of a repeated parameter's values:

  view          claims (set by the form; `filter_form_for` picks this form when view=claims)
  speaker       repeatable: an actor's term id (narrower terms included: irgc finds the Quds Force's
                claims), `author` (the article's author), `unnamed` (any unnamed source), or
                `unnamed:<term id>` (an unnamed source belonging to that actor or a narrower one)
  speaker_role  repeatable, one of SpeakerRole (named_official, unnamed_official, …)
  attribution   repeatable, one of AttributionType (direct_quote, indirect_quote_paraphrase, …)
  claim_type    repeatable, one of ClaimType (factual_assertion, prediction, threat, …)
  stance        repeatable, supportive | opposed | neutral | mixed
  target        repeatable term id, narrower terms included (an actor or an event type)
  certainty     repeatable, one of Certainty (asserted_certain, probable, possible, …)
  modality      repeatable, one of EventModality (actual, historical, future, hypothetical, negated)
  evidence      repeatable, one of EvidenceCited (none, named_evidence, …)
  contested     yes | no

A live claim is one that is not deleted on a passage that is not deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from annotations.filters import (
    CLAIM_PARAMS,
    FILTER_PARAMS,
    MULTI_VALUED,
    SORTS,
    InvalidFilter,
    SpanFilterForm,
    ValuesField,
    as_querydict,
    with_narrower,
)
from annotations.models import (
    AttributionType,
    Certainty,
    Claim,
    ClaimType,
    EventModality,
    EvidenceCited,
    SpeakerRole,
    Stance,
    Term,
)

AUTHOR, UNNAMED = "author", "unnamed"
YES_NO = {"yes": True, "no": False}

# sort value -> ordering of claims: the passages view's sorts, reading order being the claim's passage's.
CLAIM_SORTS: dict[str, tuple[str, ...]] = {
    key: tuple("span__start" if column == "start" else column for column in order)
    for key, order in SORTS.items()
}


class ChoicesField(forms.MultipleChoiceField):
    """A repeatable parameter with fixed values; blank ones (the form's "Any …" option) are left out."""

    def to_python(self, value: Any) -> list[str]:
        return [item for item in super().to_python(value) if item.strip()]


def _choice_field(choices: type, what: str) -> forms.MultipleChoiceField:
    values = ", ".join(choices.values)
    return ChoicesField(
        required=False,
        choices=choices.choices,
        error_messages={"invalid_choice": f"“%(value)s” is not {what}; use one of {values}."},
    )


@dataclass
class Speakers:
    """What the speaker parameter asks for, resolved: terms, author, unnamed sources (of a group)."""

    actors: list[Term] = field(default_factory=list)
    author: bool = False
    unnamed: bool = False
    unnamed_for: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.actors or self.author or self.unnamed or self.unnamed_for)

    def in_words(self) -> str:
        parts = [term.label for term in self.actors]
        parts += ["the author"] if self.author else []
        parts += ["an unnamed source"] if self.unnamed else []
        parts += [f"an unnamed source of {term.label}" for term in self.unnamed_for]
        return " or ".join(parts)


class ClaimFilterForm(SpanFilterForm):
    """The Claims view's filter: the passages view's parameters, read for claims, and the claim fields."""

    VIEW = "claims"
    params = (*FILTER_PARAMS, *CLAIM_PARAMS)
    multi_valued = MULTI_VALUED | (frozenset(CLAIM_PARAMS) - {"contested"})

    speaker = ValuesField(required=False)
    speaker_role = _choice_field(SpeakerRole, "a speaker role")
    attribution = _choice_field(AttributionType, "an attribution type")
    claim_type = _choice_field(ClaimType, "a claim type")
    stance = _choice_field(Stance, "a stance")
    target = ValuesField(required=False)
    certainty = _choice_field(Certainty, "a certainty")
    modality = _choice_field(EventModality, "an event modality")
    evidence = _choice_field(EvidenceCited, "a kind of evidence")
    contested = forms.ChoiceField(
        required=False,
        choices=[("", "Contested or not"), ("yes", "Contested"), ("no", "Not contested")],
        error_messages={"invalid_choice": "“%(value)s” is not yes or no."},
    )

    def clean_speaker(self) -> Speakers:
        values = self.cleaned_data["speaker"]
        speakers = Speakers()
        slugs = {v.removeprefix(f"{UNNAMED}:") for v in values if v not in (AUTHOR, UNNAMED)}
        terms = {term.slug: term for term in Term.objects.filter(slug__in=slugs)}
        problems = []
        for value in dict.fromkeys(values):
            if value == AUTHOR:
                speakers.author = True
            elif value == UNNAMED:
                speakers.unnamed = True
            else:
                group = value.startswith(f"{UNNAMED}:")
                slug = value.removeprefix(f"{UNNAMED}:")
                term = terms.get(slug)
                if term is None:
                    problems.append(f"No actor with id “{slug}” in the vocabulary.")
                elif term.kind != Term.Kind.ACTOR:
                    problems.append(f"“{term.label}” is an event type; a speaker is an actor.")
                else:
                    (speakers.unnamed_for if group else speakers.actors).append(term)
        if problems:
            raise forms.ValidationError(
                [*problems, "A speaker is an actor's id, author, unnamed or unnamed:<actor id>."]
            )
        return speakers

    def clean_target(self) -> list[Term]:
        slugs = self.cleaned_data["target"]
        terms = {term.slug: term for term in Term.objects.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in terms]
        if unknown:
            raise forms.ValidationError(
                "No term with id " + ", ".join(f"“{slug}”" for slug in unknown) + " in the vocabulary."
            )
        return [terms[slug] for slug in dict.fromkeys(slugs)]

    def clean_contested(self) -> bool | None:
        return YES_NO.get(self.cleaned_data["contested"])

    def spans(self) -> QuerySet:
        raise TypeError("A claims filter selects claims: call claims().")

    def claims(self, *, viewer: Any = None) -> QuerySet[Claim]:
        """The live claims matching this (valid) filter, in the chosen order (else by article, then
        reading order). With `viewer`, only what they may see under independent coding (a claim is its
        coder's and its passage's), the text search reading only the notes they may see."""
        if not self.is_valid():
            raise InvalidFilter(self.errors)
        data = self.cleaned_data
        claims = self._narrowed(Claim.objects.live(), viewer=viewer, span_ref="span_id")
        if data["q"]:
            in_notes = self.notes_searched(viewer).filter(span=OuterRef("span_id"), text__icontains=data["q"])
            claims = claims.filter(
                Q(span__quote__icontains=data["q"])
                | Q(unnamed_speaker__icontains=data["q"])
                | Exists(in_notes)
            )
        speakers: Speakers = data["speaker"]
        if speakers:
            claims = claims.spoken_by(
                with_narrower(speakers.actors),
                author=speakers.author,
                unnamed=speakers.unnamed,
                unnamed_for=with_narrower(speakers.unnamed_for),
            )
        if data["target"]:
            claims = claims.about(with_narrower(data["target"]))
        for param, column in (
            ("speaker_role", "speaker_role"),
            ("attribution", "attribution_type"),
            ("claim_type", "claim_type"),
            ("stance", "stance"),
            ("certainty", "certainty"),
            ("modality", "event_modality"),
            ("evidence", "evidence_cited"),
        ):
            if data[param]:
                claims = claims.filter(**{f"{column}__in": data[param]})
        if data["contested"] is not None:
            claims = claims.filter(contested=data["contested"])
        if data["coding"] == "adjudicated":  # the claims of the leads' adjudicated passages
            claims = claims.filter(span__decision__isnull=False, span__decision__superseded_at__isnull=True)
        elif data["coding"] == "analysts":
            claims = claims.filter(span__decision__isnull=True)
        return claims.order_by(*CLAIM_SORTS[data["sort"] or "article"])

    def in_words(self) -> str:
        """The filter as an analyst would say it: “speaker IRGC (and narrower) · stance opposed”."""
        if not self.is_valid():
            return "an invalid filter"
        passages = super().in_words()
        data, parts = self.cleaned_data, [] if passages == "every passage" else [passages]
        if data["speaker"]:
            parts.append(f"speaker {data['speaker'].in_words()}")
        labels = {
            "speaker_role": dict(SpeakerRole.choices),
            "attribution": dict(AttributionType.choices),
            "claim_type": dict(ClaimType.choices),
            "stance": dict(Stance.choices),
            "certainty": dict(Certainty.choices),
            "modality": dict(EventModality.choices),
            "evidence": dict(EvidenceCited.choices),
        }
        for param in ("speaker_role", "attribution", "claim_type", "stance"):
            if data[param]:
                words = " or ".join(labels[param][value] for value in data[param])
                parts.append(f"{param.replace('_', ' ')} {words}")
        if data["target"]:
            parts.append("target " + " or ".join(term.label for term in data["target"]) + " (and narrower)")
        for param in ("certainty", "modality", "evidence"):
            if data[param]:
                parts.append(f"{param} " + " or ".join(labels[param][v] for v in data[param]))
        if data["contested"] is not None:
            parts.append("contested" if data["contested"] else "not contested")
        return " · ".join(parts) or "every claim"


def filter_form_for(
    params: Mapping[str, Any] | None, *, user: AbstractBaseUser | None = None
) -> SpanFilterForm:
    """The form for a query string: ClaimFilterForm when view=claims, else the passages view's form
    (which reports a view it does not know, and claim parameters given without view=claims)."""
    query = as_querydict(params or {})
    form_class = ClaimFilterForm if query.get("view") == ClaimFilterForm.VIEW else SpanFilterForm
    return form_class(query, user=user)


def filter_claims(
    params: Mapping[str, Any], *, user: AbstractBaseUser | None = None, viewer: Any = None
) -> QuerySet[Claim]:
    """Live claims matching the filter parameters (see the module docstring), narrowed to what `viewer`
    may see when given. Raises InvalidFilter, whose message names each bad parameter."""
    return ClaimFilterForm(params, user=user).claims(viewer=viewer)
