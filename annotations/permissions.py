"""Team rules: everyone sees everything; you change your own work; leads and staff change anyone's."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

LEADS_GROUP = "leads"


def is_lead(user: AbstractBaseUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    cached = getattr(user, "_marginalia_is_lead", None)
    if cached is None:
        cached = user.groups.filter(name=LEADS_GROUP).exists()
        user._marginalia_is_lead = cached
    return cached


def can_change(user: AbstractBaseUser, owner_id: int | None) -> bool:
    """May this user change or delete something owned by owner_id?"""
    return user.is_authenticated and (user.pk == owner_id or is_lead(user))


def can_curate_vocabulary(user: AbstractBaseUser) -> bool:
    """Merge and retire terms: needs the term-change permission."""
    return user.has_perm("annotations.change_term")
