"""Template filters for team coding, usable from any app's templates without a Python import."""

from __future__ import annotations

from django import template

from annotations.permissions import is_lead as _is_lead

register = template.Library()


@register.filter
def is_lead(user) -> bool:
    """{% if user|is_lead %}: leads (and staff) assign articles and adjudicate."""
    return _is_lead(user)
