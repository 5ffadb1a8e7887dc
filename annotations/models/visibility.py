"""Who sees whose work: independent coding, enforced in queries.

The rule, in one place (every screen, export, command and endpoint filters through this module):

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
- Leads (and staff), and the operator at the command line (`annotations.permissions.OPERATOR`), see
  everything, always; a lead assigned independently is not blinded.

A piece of work can have several owners, and is hidden when any of them is: a tag is its passage's; a
claim is its coder's and its passage's (any analyst may code a claim on any passage); a note is its
author's and, on a passage, the passage's; a history entry is its actor's, its passage's, and for a claim
or a note that claim's or note's.

Three forms of the one rule:
- `visible_q(user, …)`, set-based, for any queryset (correlated on each row's article: the screens
  across articles, the exports). Rows on articles nobody codes blind cost one lookup in a small set.
- the same with `article_id=…`, for one article (the reader): the article's blind rows are read once per
  request (one small query, `blind_rows`), and the filter is then plain values: none at all on an article
  nobody codes blind, `owner = me` for a blind coder, `owner NOT IN (the blind coders)` for the others.
  Subqueries evaluated by the database cost the reader's 10,000-passage queries twice their time.
- `Sight(user)`: the blind rows read once into memory, to filter rows already read (the exports' raw
  SQL for notes and claims) and to answer `can_see` for one piece of work.

Hidden work answers as if it did not exist: callers filter with these and answer 404.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q

from annotations.models.assignments import AssignedArticle, Status
from annotations.permissions import OPERATOR, is_lead
from ops.compiled import Compiled


def blind_rows(article_id: int) -> list[tuple[int, str]]:
    """(analyst id, status) of everyone coding this article blind now: one query, once per request
    however many of the reader's queries ask (outside a request, a command or a test calling the
    models, every call reads them afresh, so nothing read before a change is reused)."""
    return _blind_rows(article=article_id)


def blind_rows_ahead(article_id: int) -> None:
    """This request will ask blind_rows(article_id): read them along with its next query (Compiled.ahead)."""
    _blind_rows.ahead(article=article_id)


# Compiled once: the ORM takes 40 times longer to build this query than the database to answer it.
_blind_rows = Compiled(
    lambda article: (
        AssignedArticle.objects.blind()
        .filter(article_id=article)
        .order_by()  # read as a set: the default ordering joined the assignment and the article to sort
        .values_list("analyst_id", "status")
    ),
    per_request=True,
)


def sees_everything(user) -> bool:
    """Leads, staff and the operator see every analyst's work, always."""
    return user is OPERATOR or (user is not None and is_lead(user))


def hides_nothing(user, article_id: int) -> bool:
    """Does the rule let this user see all the work on this article (no one codes it blind, or the
    user is a lead)? Then the reader's queries need no filter for it (views/repaint.py runs them
    compiled once). The article's blind rows first: most articles have none, and then whether the user
    is a lead is not asked (a save's answer makes one query fewer)."""
    return not blind_rows(article_id) or sees_everything(user)


def _viewer_id(user) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def visible_q(
    user, *, article: str = "article", owner: str = "created_by", article_id: int | None = None
) -> Q:
    """A filter for any queryset of work on articles: `article` names the path to the article, `owner`
    the path to the user whose work it is (Span, Claim: defaults; Note: owner="author"; Tag:
    article="span__article", owner="span__created_by"). With `article_id`, every row is on that one
    article (the reader): the rule's subqueries are then evaluated once, not per row.

    Set-based: no extra query, composes with any filter."""
    if sees_everything(user):
        return Q()
    viewer = _viewer_id(user)
    if article_id is not None:
        return _one_article_q(viewer, owner, blind_rows(article_id))
    blind = AssignedArticle.objects.blind()
    # Only rows whose article someone codes blind can be hidden: a hashed lookup in a small set first, so
    # that the correlated checks run for those rows only.
    on_blind_article = Q(**{f"{article}__in": blind.values("article_id")})
    here = blind.filter(article=OuterRef(article))
    owner_blind = Exists(here.filter(analyst=OuterRef(owner)))
    viewer_blind = Exists(here.filter(analyst_id=viewer).exclude(status=Status.DONE))
    hidden = on_blind_article & (owner_blind | viewer_blind)
    if viewer is None:
        return ~hidden
    return Q(**{owner: viewer}) | ~hidden


def _one_article_q(viewer: int | None, owner: str, rows: list[tuple[int, str]]) -> Q:
    """The rule on one article whose blind rows are `rows`, as plain values."""
    if not rows:
        return Q()
    if any(analyst == viewer and status != Status.DONE for analyst, status in rows):
        return Q(**{owner: viewer})  # a blind coder not done: their own work only
    hidden_owners = sorted({analyst for analyst, _ in rows} - {viewer})
    return ~Q(**{f"{owner}__in": hidden_owners})


def tag_visible_q(user, *, article_id: int | None = None) -> Q:
    """A tag is its passage's."""
    return visible_q(user, article="span__article", owner="span__created_by", article_id=article_id)


def claim_visible_q(user, *, article_id: int | None = None) -> Q:
    """A claim is its coder's and its passage's."""
    if sees_everything(user):
        return Q()
    return visible_q(user, article_id=article_id) & visible_q(
        user, owner="span__created_by", article_id=article_id
    )


def note_visible_q(user, *, article_id: int | None = None) -> Q:
    """A note is its author's and, on a passage, the passage's."""
    if sees_everything(user):
        return Q()
    on_passage = visible_q(user, owner="span__created_by", article_id=article_id)
    return visible_q(user, owner="author", article_id=article_id) & _or_none(on_passage, "span")


def change_visible_q(user, *, article_id: int | None = None) -> Q:
    """History entries: hidden when their author's work is hidden, when they are about a passage that is
    hidden (a lead's edit of a blind coder's passage quotes it), or about a claim or a note that is (a
    lead's edit of a blind coder's claim on a colleague's passage)."""
    if sees_everything(user):
        return Q()
    from annotations.models.claims import Claim  # claims import the passages, which import this module
    from annotations.models.notes import Note

    if article_id is not None and not blind_rows(article_id):
        return Q()  # nobody codes this article blind: nothing of it is hidden
    hidden_claims = Claim.objects.exclude(claim_visible_q(user, article_id=article_id))
    hidden_notes = Note.objects.exclude(note_visible_q(user, article_id=article_id))
    if article_id is None:
        about_hidden = (Q(object_type="claim") & Exists(hidden_claims.filter(pk=OuterRef("object_id")))) | (
            Q(object_type="note") & Exists(hidden_notes.filter(pk=OuterRef("object_id")))
        )
    else:
        on_article = {"article_id": article_id}
        about_hidden = Q(
            object_type="claim", object_id__in=hidden_claims.filter(**on_article).values("pk")
        ) | Q(object_type="note", object_id__in=hidden_notes.filter(**on_article).values("pk"))
    about_span = visible_q(user, article="span__article", owner="span__created_by", article_id=article_id)
    actor = visible_q(user, owner="actor", article_id=article_id)
    return actor & _or_none(about_span, "span") & ~about_hidden


def _or_none(condition: Q, field: str) -> Q:
    """`condition`, or `field` empty (work on the whole article). Q() means no condition at all, and
    `Q(…) | Q()` would keep the left side alone: no condition stays none."""
    return condition if not condition else Q(**{f"{field}__isnull": True}) | condition


class Sight:
    """The rule for one viewer with the blind rows read into memory (one query; none for leads): for rows
    already read without the ORM (the exports' raw SQL), and for one piece of work in hand. `article_id`
    reads the rows of that article only."""

    def __init__(self, user, article_id: int | None = None) -> None:
        self.everything = sees_everything(user)
        self.viewer = _viewer_id(user)
        self.blind_owners: dict[int, set[int]] = defaultdict(set)
        self.viewer_blind: set[int] = set()
        if self.everything:
            return
        if article_id is not None:
            rows = [(article_id, analyst, status) for analyst, status in blind_rows(article_id)]
        else:
            rows = AssignedArticle.objects.blind().values_list("article_id", "analyst_id", "status")
        for article, analyst, status in rows:
            self.blind_owners[article].add(analyst)
            if analyst == self.viewer and status != Status.DONE:
                self.viewer_blind.add(article)

    def sees(self, article_id: int, *owner_ids: int | None) -> bool:
        """May the viewer see work on this article whose owners are these (a claim: its coder and its
        passage's analyst)? visible_q's rule, for rows in hand."""
        return self.everything or all(self._sees_one(article_id, owner) for owner in owner_ids)

    def _sees_one(self, article_id: int, owner_id: int | None) -> bool:
        if owner_id is not None and owner_id == self.viewer:
            return True
        if article_id in self.viewer_blind:
            return False
        return owner_id not in self.blind_owners.get(article_id, ())


def can_see(user, article_id: int, owner_id: int | None) -> bool:
    """The same rule for one piece of work already in hand (at most one query; none for leads)."""
    if sees_everything(user) or (owner_id is not None and owner_id == _viewer_id(user)):
        return True
    return Sight(user, article_id).sees(article_id, owner_id)
