"""Who sees whose work: independent coding, enforced in queries.

The rule, in one place (every screen, export and endpoint filters through `visible_q`):

- An article is coded *blind* by an analyst while they are assigned it in an open, independent
  assignment in which some analyst assigned that article has not yet marked it done
  (`AssignedArticle.objects.blind()`).
- Work (passages with their tags, claims, notes, history entries) by a blind coder on that article is
  hidden from everyone but its author and leads, until every analyst assigned that article there has
  marked it done, or the lead closes the assignment.
- A blind coder who has not marked the article done sees only their own work on it: not the other
  coders', not a colleague's who is not assigned, not a lead's. Once they are done they see what is not
  hidden by the first rule (a non-assigned colleague's work), and everyone's once all are done.
- Analysts not assigned the article see everything on it except the blind coders' work (it would bias
  them too, and they might pass it on).
- Leads (and staff) see everything, always; a lead assigned independently is not blinded.

Hidden work answers as if it did not exist: callers filter with these functions and answer 404.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from annotations.models.assignments import AssignedArticle, Status
from annotations.permissions import is_lead


def visible_q(user, *, article: str = "article", owner: str = "created_by") -> Q:
    """A filter for any queryset of work on articles: `article` names the path to the article,
    `owner` the path to the user whose work it is (Span, Claim: defaults; Note: owner="author";
    Tag: article="span__article", owner="span__created_by"; Change: see `change_visible_q`).

    Set-based (two correlated EXISTS), so it costs no extra query and composes with any filter."""
    if user is not None and is_lead(user):
        return Q()
    viewer = user.pk if user is not None and user.is_authenticated else None
    blind = AssignedArticle.objects.blind()
    owner_codes_blind = Exists(blind.filter(article=OuterRef(article), analyst=OuterRef(owner)))
    viewer_codes_blind = Exists(
        blind.filter(article=OuterRef(article), analyst_id=viewer).exclude(status=Status.DONE)
    )
    hidden = owner_codes_blind | viewer_codes_blind
    if viewer is None:
        return ~hidden
    return Q(**{owner: viewer}) | ~hidden


def tag_visible_q(user) -> Q:
    return visible_q(user, article="span__article", owner="span__created_by")


def note_visible_q(user) -> Q:
    return visible_q(user, owner="author")


def change_visible_q(user) -> Q:
    """History entries: hidden when their author's work is hidden, or when they are about a
    passage that is hidden (a lead's edit of a blind coder's passage quotes it)."""
    if user is not None and is_lead(user):
        return Q()
    about_span = visible_q(user, article="span__article", owner="span__created_by")
    return visible_q(user, owner="actor") & (Q(span__isnull=True) | about_span)


def can_see(user, article_id: int, owner_id: int | None) -> bool:
    """The same rule for one piece of work already in hand (at most two queries; none for leads
    or for one's own work)."""
    if is_lead(user) or (owner_id is not None and owner_id == user.pk):
        return True
    blind = AssignedArticle.objects.blind().filter(article_id=article_id)
    if owner_id is not None and blind.filter(analyst_id=owner_id).exists():
        return False
    return not blind.filter(analyst_id=user.pk).exclude(status=Status.DONE).exists()
