"""Team rules: everyone sees everything; you change your own work; leads and staff change anyone's.

The vocabulary is shared, so its rule is stricter than "your own work" (README, "Who may change the
vocabulary"); it lives here and nowhere else, and the Term verbs call it themselves, so that every door
(the screens, the vocabulary upload, `load_vocabulary --user`, `load_demo`) meets the same check:

- **Curators** — staff, superusers, and whoever holds `annotations.change_term` (the `leads` group does,
  from migration 0004) — may do everything: retire, un-retire, merge, accept a proposed term, edit any
  term, remove any alias.
- **Any analyst** may add terms (on the screen, by upload, or by proposing a new actor from the reader)
  and add aliases to any term.
- An analyst may **edit the fields** (label, code, parent, description, actor type, country) **and remove
  aliases of the terms they created** themselves (`Term.created_by`: added on the screen, proposed from
  the reader, or first loaded by their upload), and remove an alias they added themselves (the history
  records who added it) wherever it is. Every other term is "another's": terms created by a colleague,
  and the seed and every term loaded by the operator (`created_by` empty).
- Retiring, un-retiring and merging are for curators only, even on one's own terms: they change what
  everyone's passages mean.
- The **operator** (`OPERATOR`: the person at the server's command line running `load_vocabulary`
  without `--user`, or `load_demo`) is trusted like a curator; the history records such changes as
  made by nobody ("system").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import PermissionDenied

from ops.compiled import Compiled

if TYPE_CHECKING:
    from annotations.models import Alias, Term

LEADS_GROUP = "leads"
CURATE_PERMISSION = "annotations.change_term"
# What migration 0004 gives the leads group (and leads_group() restores): the vocabulary's permissions.
LEAD_PERMISSIONS = [
    ("annotations", "add_term"),
    ("annotations", "change_term"),
    ("annotations", "view_term"),
    ("annotations", "add_alias"),
    ("annotations", "change_alias"),
    ("annotations", "delete_alias"),
    ("annotations", "view_alias"),
]


class Operator:
    """The person at the server's command line: trusted, and recorded in the history as nobody."""

    is_authenticated = False
    is_active = True
    pk = None

    def __repr__(self) -> str:
        return "OPERATOR"


OPERATOR = Operator()


# Asked on every request that shows or changes work: compiled once (ops/compiled.py).
_in_leads = Compiled(lambda user: Group.objects.filter(user=user, name=LEADS_GROUP).values_list("pk")[:1])


def is_lead(user: AbstractBaseUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    cached = getattr(user, "_marginalia_is_lead", None)
    if cached is None:
        cached = bool(_in_leads(user=user.pk))
        user._marginalia_is_lead = cached
    return cached


def can_change(user: AbstractBaseUser, owner_id: int | None) -> bool:
    """May this user change or delete something owned by owner_id?"""
    return user.is_authenticated and (user.pk == owner_id or is_lead(user))


def can_curate_vocabulary(user: Any) -> bool:
    """Retire, un-retire, merge, accept, and change any term: the operator, staff, superusers, and
    whoever holds annotations.change_term (the leads group). Never an inactive or anonymous user."""
    if user is OPERATOR:
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_staff or user.has_perm(CURATE_PERMISSION))


def can_change_term(user: Any, term: Term) -> bool:
    """Edit a term's fields or remove its aliases: curators any term, an analyst the terms they created."""
    if can_curate_vocabulary(user):
        return True
    return bool(user is not None and user.is_authenticated and term.created_by_id == user.pk)


def can_remove_alias(user: Any, alias: Alias) -> bool:
    """Whoever may change the term, and whoever added this very alias (the history says who)."""
    from annotations.models import Change

    if can_change_term(user, alias.term):
        return True
    return bool(
        user is not None
        and user.is_authenticated
        and Change.objects.filter(
            object_type="alias", object_id=alias.pk, action=Change.Action.CREATE, actor_id=user.pk
        ).exists()
    )


def removable_alias_ids(user: Any, term: Term, aliases: list[Alias]) -> set[int]:
    """The aliases of `term` this user may remove (can_remove_alias for each, in one query): for the
    term page's "remove" buttons."""
    from annotations.models import Change

    if can_change_term(user, term):
        return {alias.pk for alias in aliases}
    if user is None or not user.is_authenticated:
        return set()
    added = set(
        Change.objects.filter(
            object_type="alias",
            object_id__in=[alias.pk for alias in aliases],
            action=Change.Action.CREATE,
            actor_id=user.pk,
        ).values_list("object_id", flat=True)
    )
    return {alias.pk for alias in aliases if alias.pk in added}


def whose(term: Term) -> str:
    """Who a term belongs to, for refusals: "bob's" or "the shared vocabulary's"."""
    if term.created_by_id is None:
        return "a term of the shared vocabulary (loaded by the system)"
    return f"a term created by {term.created_by.get_username()}"


def require_curator(user: Any, doing: str) -> None:
    """Refuse (PermissionDenied, a 403 on the screens, a refusal in a load report) unless a curator."""
    if not can_curate_vocabulary(user):
        raise PermissionDenied(
            f"{doing} needs a lead: only leads and staff retire, un-retire and merge terms."
        )


def require_term_change(user: Any, term: Term, doing: str) -> None:
    if not can_change_term(user, term):
        raise PermissionDenied(
            f"{doing}: {term.label} is {whose(term)}; only its creator or a lead may change it. "
            "You may add aliases to it."
        )


def leads_group() -> Group:
    """The leads group, holding the vocabulary's permissions (created, or its permissions put back,
    if someone removed them): what `add_analyst --lead` and `load_demo` put leads in."""
    group, _ = Group.objects.get_or_create(name=LEADS_GROUP)
    wanted = Permission.objects.filter(
        content_type__app_label="annotations", codename__in=[codename for _, codename in LEAD_PERMISSIONS]
    )
    missing = wanted.exclude(pk__in=group.permissions.values("pk"))
    if missing.exists():
        group.permissions.add(*missing)
    return group
