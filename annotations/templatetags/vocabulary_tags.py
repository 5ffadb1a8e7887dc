"""The Vocabulary screen's list of proposed terms: actors analysts added from the reader's type-ahead,
waiting for a lead to accept, merge or retire them."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from annotations.models import Term
from annotations.permissions import can_curate_vocabulary

register = template.Library()

PROPOSED_SHOWN = 50


@register.simple_tag(takes_context=True)
def proposed_terms(context) -> SafeString:
    request = context.get("request")
    viewer = request.user if request is not None else None
    proposed = Term.objects.active().filter(proposed=True).with_usage(viewer).select_related("created_by")
    terms = list(proposed.order_by("-created_at", "pk")[:PROPOSED_SHOWN])
    can_curate = request is not None and can_curate_vocabulary(request.user)
    return render_to_string(
        "annotations/proposed_terms.html", {"terms": terms, "can_curate": can_curate}, request
    )
