"""Claims in templates that other screens own: the claims of a passage in its panel, and the
"Add … as a new actor" choice in any type-ahead (the reader's tag type-ahead included)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from annotations.models import Claim, Span, Term
from annotations.permissions import can_change

register = template.Library()


@register.simple_tag(takes_context=True)
def span_claims(context, span: Span) -> SafeString:
    """The passage's claims (speaker → stance → target, each to open, change or delete), a Claim
    button, and after a delete the Undo for it (`changed_claim` in the panel's context)."""
    request = context.get("request")
    user = request.user if request is not None else None
    claims = context.get("known_claims")  # a passage just made has none: views/repaint.py says so
    if claims is None:
        claims = Claim.objects.filter(span_id=span.pk, deleted_at__isnull=True)
        if user is not None:  # independent coding: only the claims this analyst may see
            claims = claims.visible_to(user, article_id=span.article_id)
        claims = list(
            claims.select_related(
                "speaker", "speaker_group", "target", "created_by", "article__source"
            ).order_by("pk")
        )
    for claim in claims:
        claim.editable = user is not None and can_change(user, claim.created_by_id)
    changed = context.get("changed_claim")
    deleted = changed if changed is not None and changed.is_deleted and changed.span_id == span.pk else None
    return render_to_string(
        "annotations/claims.html#span-claims",
        {
            "span": span,
            "claims": claims,
            "deleted_claim": deleted,
            "can_undo": deleted is not None and user is not None and can_change(user, deleted.created_by_id),
        },
        request,
    )


@register.simple_tag(takes_context=True)
def new_actor_option(context, query: str, selected: bool = False) -> SafeString:
    """The type-ahead choice that proposes the typed name as a new actor (Term.propose), with the
    actor types to pick from by number key."""
    return render_to_string(
        "annotations/claims.html#new-actor-option",
        {"q": " ".join(query.split()), "actor_types": Term.ActorType.choices, "selected": selected},
        context.get("request"),
    )
