"""Assignments: a lead hands articles to analysts, optionally for independent double coding.

An Assignment is the lead's hand-out (who assigned, when, due date, note, independent or not, closed or
open); an AssignedArticle is one analyst's article in it, with that analyst's status.

Status. The stored status is set by people: "to do" when assigned, "done" when the analyst marks the
article done, "in progress" when they reopen it (or start it explicitly). What the screens show is the
*effective* status: a stored "to do" counts as "in progress" as soon as the analyst has a live passage or
claim on the article, so nobody has to remember to press Start. The analyst (or a lead) marks done and
reopens; once the lead closes the assignment, statuses are frozen.

Independent coding, and who sees what, is `annotations.models.visibility`.
"""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from annotations.models.base import Refused, User
from annotations.models.base import clip as _clip
from annotations.models.base import record as _record
from annotations.permissions import can_change, is_lead
from corpus.models import Article


class Status(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


def check_can_assign(user) -> None:
    """Assigning, closing and reopening an assignment are for leads (one rule, every door)."""
    if not is_lead(user):
        raise Refused("Only a lead can assign articles or close an assignment.", status=403)


class AssignmentQuerySet(models.QuerySet):
    def open(self) -> AssignmentQuerySet:
        return self.filter(closed_at__isnull=True)

    def with_progress(self) -> AssignmentQuerySet:
        """Each assignment's number of assigned articles (analyst × article) and how many are done."""
        return self.annotate(
            task_count=models.Count("tasks"),
            done_count=models.Count("tasks", filter=Q(tasks__status=Status.DONE)),
        )


class Assignment(models.Model):
    """Articles a lead hands to one analyst, or to several for independent double coding."""

    name = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assignments_made")
    created_at = models.DateTimeField(default=timezone.now)
    independent = models.BooleanField(
        default=False, help_text="Each analyst sees only their own work on these articles until all are done."
    )
    due = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name or f"Assignment {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("annotations:my-work") + f"?assignment={self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def analysts(self) -> models.QuerySet:
        from django.contrib.auth import get_user_model

        return (
            get_user_model()
            .objects.filter(assigned_articles__assignment=self)
            .distinct()
            .order_by("username")
        )

    def articles(self) -> models.QuerySet:
        return Article.objects.filter(assigned__assignment=self).distinct()

    @classmethod
    def hand_out(
        cls,
        articles,
        analysts,
        *,
        by,
        independent: bool = False,
        due=None,
        note: str = "",
        name: str = "",
    ) -> Assignment:
        """Assign every article to every analyst. Refused (nothing saved) unless `by` leads, there is
        at least one article and one analyst, and independent coding has at least two analysts."""
        check_can_assign(by)
        articles = list(dict.fromkeys(articles))
        analysts = list(dict.fromkeys(analysts))
        if not articles:
            raise Refused("Choose at least one article to assign.")
        if not analysts:
            raise Refused("Choose at least one analyst to assign the articles to.")
        if independent and len(analysts) < 2:
            raise Refused("Independent double coding needs two or more analysts.")
        inactive = [user.get_username() for user in analysts if not user.is_active]
        if inactive:
            raise Refused(f"Cannot assign to inactive accounts: {', '.join(inactive)}.")
        with transaction.atomic():
            assignment = cls.objects.create(
                name=name.strip(), created_by=by, independent=independent, due=due, note=note.strip()
            )
            AssignedArticle.objects.bulk_create(
                AssignedArticle(assignment=assignment, article=article, analyst=analyst)
                for article in articles
                for analyst in analysts
            )
            who = ", ".join(user.get_username() for user in analysts)
            how = " independently" if independent else ""
            count = f"{len(articles)} article{'s' if len(articles) != 1 else ''}"
            _record(
                by,
                "create",
                assignment,
                f"Assigned {count} to {who}{how}" + (f", due {due}" if due else ""),
                after=assignment.snapshot(articles=articles, analysts=analysts),
                article_id=articles[0].pk if len(articles) == 1 else None,
            )
        return assignment

    def snapshot(self, *, articles=None, analysts=None) -> dict:
        articles = articles if articles is not None else self.articles()
        analysts = analysts if analysts is not None else self.analysts()
        return {
            "name": self.name,
            "independent": self.independent,
            "due": self.due.isoformat() if self.due else None,
            "note": self.note,
            "articles": sorted(article.pk for article in articles),
            "analysts": sorted(user.get_username() for user in analysts),
            "closed": self.is_closed,
        }

    def close(self, *, by) -> None:
        """The lead closes the assignment: statuses are frozen and independent coding ends."""
        check_can_assign(by)
        with transaction.atomic():
            if not Assignment.objects.filter(pk=self.pk, closed_at__isnull=True).update(
                closed_at=timezone.now(), closed_by=by
            ):
                raise Refused("This assignment is already closed.", status=409)
            self.refresh_from_db()
            _record(by, "update", self, f"Closed {self}", before={"closed": False}, after={"closed": True})

    def reopen(self, *, by) -> None:
        """Undo a close."""
        check_can_assign(by)
        with transaction.atomic():
            if not Assignment.objects.filter(pk=self.pk, closed_at__isnull=False).update(
                closed_at=None, closed_by=None
            ):
                raise Refused("This assignment is open.", status=409)
            self.refresh_from_db()
            _record(by, "update", self, f"Reopened {self}", before={"closed": True}, after={"closed": False})


class AssignedArticleQuerySet(models.QuerySet):
    def for_analyst(self, user) -> AssignedArticleQuerySet:
        return self.filter(analyst=user)

    def independent_and_open(self) -> AssignedArticleQuerySet:
        return self.filter(assignment__independent=True, assignment__closed_at__isnull=True)

    def blind(self) -> AssignedArticleQuerySet:
        """Rows of independent, open assignments whose article is not yet done by every analyst
        assigned to it there: while such a row exists, its analyst codes that article blind."""
        unfinished = AssignedArticle.objects.filter(
            assignment=OuterRef("assignment"), article=OuterRef("article")
        ).exclude(status=Status.DONE)
        return self.independent_and_open().filter(Exists(unfinished))

    def with_counts(self) -> AssignedArticleQuerySet:
        """The analyst's live passages and claims on the article, and the effective status
        (see the module docstring)."""
        from annotations.models.claims import Claim
        from annotations.models.passages import Span

        spans = Span.objects.filter(
            article=OuterRef("article"), created_by=OuterRef("analyst"), deleted_at__isnull=True
        )
        claims = Claim.objects.filter(
            article=OuterRef("article"), created_by=OuterRef("analyst"), deleted_at__isnull=True
        )
        return self.annotate(
            passage_count=models.Subquery(
                spans.order_by().values("article").annotate(n=models.Count("pk")).values("n")
            ),
            claim_count=models.Subquery(
                claims.order_by().values("article").annotate(n=models.Count("pk")).values("n")
            ),
            effective_status=models.Case(
                models.When(status=Status.DONE, then=models.Value(Status.DONE)),
                models.When(status=Status.IN_PROGRESS, then=models.Value(Status.IN_PROGRESS)),
                models.When(Exists(spans) | Exists(claims), then=models.Value(Status.IN_PROGRESS)),
                default=models.Value(Status.TODO),
            ),
        )


class AssignedArticle(models.Model):
    """One analyst's article within an assignment, with that analyst's status."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="tasks")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="assigned")
    analyst = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assigned_articles")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TODO)
    done_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = AssignedArticleQuerySet.as_manager()

    class Meta:
        ordering = ["assignment", "article", "analyst"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "article", "analyst"], name="assigned_article_once_per_analyst"
            ),
        ]
        indexes = [models.Index(fields=["article", "analyst"]), models.Index(fields=["analyst", "status"])]

    def __str__(self) -> str:
        return f"{self.article_id} for {self.analyst_id} ({self.status})"

    def check_can_change(self, user) -> None:
        if not can_change(user, self.analyst_id):
            owner = self.analyst.get_username()
            raise Refused(f"This is {owner}’s assignment: only {owner} or a lead can change it.", status=403)
        if self.assignment.is_closed:
            raise Refused("The lead has closed this assignment; its statuses can no longer change.", 409)

    def set_status(self, status: str, *, by, version: int | str | None) -> None:
        """Mark done, reopen or start. One UPDATE … WHERE version = n decides concurrent clicks;
        the refusal names the status found."""
        if status not in Status.values:
            raise Refused(f"“{status}” is not a status; use {', '.join(Status.values)}.")
        self.check_can_change(by)
        try:
            version = int(version)
        except (TypeError, ValueError):
            raise Refused("The assignment's version is missing; reload the page.") from None
        before, now = self.status, timezone.now()
        with transaction.atomic():
            changed = AssignedArticle.objects.filter(pk=self.pk, version=version).update(
                status=status,
                done_at=now if status == Status.DONE else None,
                updated_at=now,
                version=models.F("version") + 1,
            )
            if not changed:
                self.refresh_from_db()
                raise Refused(
                    f"This article's status changed meanwhile (now {self.get_status_display().lower()}); "
                    "reload the page.",
                    status=409,
                )
            self.status, self.version, self.updated_at = status, version + 1, now
            self.done_at = now if status == Status.DONE else None
            who = self.analyst.get_username()
            _record(
                by,
                "update",
                self.assignment,
                f"{who}: “{_clip(self.article.title)}” {Status(before).label.lower()} → "
                f"{Status(status).label.lower()}",
                before={"analyst": who, "status": before},
                after={"analyst": who, "status": status},
                article_id=self.article_id,
            )
