"""Every URL of the app × every kind of user, with the status each must get (issue 7).

The URLs come from the URL configuration itself (`get_resolver()`), so a new URL without a row in
PERMISSIONS fails `test_every_url_has_a_row` naming it. To add a URL: add one `Row` to PERMISSIONS, keyed
by the URL's name, with the statuses for GET and POST in the order of ROLES, the URL's arguments, and the
POST data with which the users who may act succeed (so that a 403 means "not allowed", not "bad input").

Statuses, one per role in ROLES order: a number, or `login` (302 to our login page). The roles:
- anonymous;
- analyst: alice, who owns every passage, note, set and term of the world built below;
- other: bob, an analyst who owns none of it;
- lead: charlie, in the leads group;
- staff: sam, is_staff (not a superuser, in no group).

The admin is Django's own, guarded by is_staff; its hundreds of URLs are not walked: the matrix checks
its index (`admin:index`: staff in, everyone else to the admin's login) and the rest of the namespace is
left to Django. Each request runs in a transaction rolled back afterwards, so every role meets the same
world.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from annotations.models import Claim, Note, SavedSet, Span, Tag, Term
from annotations.models.assignments import AssignedArticle, Assignment
from corpus.models import Article
from jobs.models import Job
from tests.conftest import PASSWORD

ROLES = ("anonymous", "analyst", "other", "lead", "staff")
BODY = "Qasem Soleimani was killed near Baghdad airport. Iran vowed revenge."


@dataclass
class World:
    article: Article
    span: Span
    tag: Tag
    deleted_span: Span
    span_note: Note
    article_note: Note
    shared_term: Term  # loaded by the system: nobody's
    own_term: Term  # created by alice
    alias: Any  # added by alice to the shared term
    survivor: Term
    saved_set: SavedSet
    claim: Claim  # alice's, on her passage
    job: Job  # alice's import job, finished
    assignment: Assignment  # made by alice's lead-to-be; alice codes the article
    task: AssignedArticle


def build_world(alice: User) -> World:
    from annotations.permissions import OPERATOR

    article = Article.objects.create(title="Strike", body=BODY, sha256=Article.hash_body(BODY))
    shared = Term.objects.create(slug="iran", kind="actor", label="Iran", actor_type="state")
    shared.ensure_label_alias(by=OPERATOR)
    survivor = Term.objects.create(slug="iran-government", kind="actor", label="Iranian government")
    own = Term.objects.create(slug="alices-term", kind="actor", label="Alice's term", created_by=alice)
    span = Span.create_for(article, 0, 15, BODY[0:15], by=alice, term=shared, role="agent")
    deleted = Span.create_for(article, 49, 53, BODY[49:53], by=alice, term=shared, role="agent")
    deleted.soft_delete(by=alice, version=deleted.version)
    assignment = Assignment.objects.create(name="Week 1", created_by=alice)
    task = AssignedArticle.objects.create(assignment=assignment, article=article, analyst=alice)
    return World(
        article=article,
        span=span,
        tag=span.tags.get(),
        deleted_span=deleted,
        span_note=span.add_note("A note on the passage.", by=alice),
        article_note=Note.add_to_article(article, "A note on the article.", by=alice),
        shared_term=shared,
        own_term=own,
        alias=shared.add_alias("Persia", by=alice),
        survivor=survivor,
        saved_set=SavedSet.objects.create(name="Iran", owner=alice, query="q=Iran"),
        claim=Claim.create_on(span, {"speaker_kind": "author"}, by=alice),
        job=Job.objects.create(
            owner=alice, kind=Job.Kind.IMPORT, title="Import", task_path="corpus.tasks.run_import_job"
        ),
        assignment=assignment,
        task=task,
    )


@dataclass(frozen=True)
class Row:
    get: str
    post: str
    args: Callable[[World], dict] = field(default=lambda w: {})
    data: Callable[[World], dict] = field(default=lambda w: {})
    query: Callable[[World], dict] = field(default=lambda w: {})  # the query string of the URL
    htmx: bool = False  # send HX-Request, as the page's own requests do


def article(w: World) -> dict:
    return {"article_id": w.article.pk}


def span(w: World) -> dict:
    return {"span_id": w.span.pk}


def tag(w: World) -> dict:
    return {"span_id": w.span.pk, "tag_id": w.tag.pk}


def version(w: World) -> dict:
    return {"version": w.span.version}


EVERYONE = "login 200 200 200 200"
GET_ONLY = "login 405 405 405 405"
POST_ONLY = "login 405 405 405 405"
OWNER_OR_LEAD = "login 200 403 200 200"
CURATORS = "login 403 403 200 200"

PERMISSIONS: dict[str, Row] = {
    # Our login and logout (Django's views, our templates).
    "login": Row(get="200 200 200 200 200", post="200 200 200 200 200", data=lambda w: {"username": "x"}),
    "logout": Row(get="login 405 405 405 405", post="login login login login login"),  # then to log in
    "admin:index": Row(get="302 302 302 302 200", post="302 302 302 302 200"),
    # corpus
    "corpus:article-list": Row(get=EVERYONE, post=EVERYONE),
    "corpus:import": Row(
        get=EVERYONE, post=EVERYONE, data=lambda w: {"title": "Pasted", "text": "A new text."}
    ),
    # The reader
    "annotations:reader": Row(get=EVERYONE, post=GET_ONLY, args=article),
    "annotations:side-list": Row(get=EVERYONE, post=GET_ONLY, args=article),
    # Without htmx the activity's page is the reader's (a 302 to it), as the page's own link is.
    "annotations:article-activity": Row(get=EVERYONE, post=GET_ONLY, args=article, htmx=True),
    "annotations:suggestions-show": Row(
        get=POST_ONLY, post="login 302 302 302 302", args=article, data=lambda w: {"show": "0"}
    ),
    "annotations:span-create": Row(
        get=POST_ONLY,
        post=EVERYONE,
        args=article,
        data=lambda w: {"start": 16, "end": 19, "text": BODY[16:19], "term": w.shared_term.pk},
    ),
    "annotations:suggestion-reject": Row(
        get=POST_ONLY,
        post=EVERYONE,
        args=article,
        data=lambda w: {"start": 49, "end": 53, "text": BODY[49:53], "term": w.shared_term.pk},
    ),
    "annotations:rejected-suggestions": Row(get=EVERYONE, post=GET_ONLY),
    "annotations:suggestions-restore": Row(
        get=POST_ONLY, post="login 403 403 302 302", data=lambda w: {"key": "iran", "term": w.shared_term.pk}
    ),
    "annotations:span-choose": Row(
        get=EVERYONE, post=GET_ONLY, args=article, query=lambda w: {"at": w.span.start}
    ),
    "annotations:article-note-add": Row(
        get="login 302 302 302 302",
        post="login 302 302 302 302",
        args=article,
        data=lambda w: {"text": "Hm."},
    ),
    "annotations:span-panel": Row(get=EVERYONE, post=GET_ONLY, args=span),
    "annotations:span-tag-add": Row(
        get=POST_ONLY,
        post=OWNER_OR_LEAD,
        args=span,
        data=lambda w: {"term": w.survivor.pk, "role": "target", **version(w)},
    ),
    "annotations:span-tag-remove": Row(get=POST_ONLY, post=OWNER_OR_LEAD, args=tag, data=version),
    "annotations:span-tag-role": Row(
        get=POST_ONLY, post=OWNER_OR_LEAD, args=tag, data=lambda w: {"role": "source", **version(w)}
    ),
    "annotations:span-note-add": Row(
        get="login 302 302 302 302", post=EVERYONE, args=span, data=lambda w: {"text": "Agreed."}
    ),
    "annotations:span-delete": Row(get=POST_ONLY, post=OWNER_OR_LEAD, args=span, data=version),
    "annotations:span-restore": Row(
        get=POST_ONLY, post=OWNER_OR_LEAD, args=lambda w: {"span_id": w.deleted_span.pk}
    ),
    "annotations:note-edit": Row(
        get="login 302 302 302 302",
        post=OWNER_OR_LEAD,
        args=lambda w: {"note_id": w.span_note.pk},
        data=lambda w: {"text": "Edited.", "version": w.span_note.version},
    ),
    "annotations:note-delete": Row(
        get="login 302 302 302 302",
        post=OWNER_OR_LEAD,
        args=lambda w: {"note_id": w.article_note.pk},
        data=lambda w: {"version": w.article_note.version},
        htmx=True,  # without htmx a refusal is a message on the reloaded reader (302)
    ),
    "annotations:term-suggest": Row(get=EVERYONE, post=GET_ONLY),
    # The vocabulary (annotations/permissions.py)
    "annotations:vocabulary": Row(get=EVERYONE, post=EVERYONE),
    "annotations:term-create": Row(
        get=EVERYONE, post="login 302 302 302 302", data=lambda w: {"kind": "actor", "label": "Esmail Qaani"}
    ),
    "annotations:vocabulary-export": Row(get=EVERYONE, post=EVERYONE),
    "annotations:vocabulary-import": Row(
        get=EVERYONE,
        post=EVERYONE,
        data=lambda w: {
            "file": SimpleUploadedFile("new.csv", b"kind,id,label\nperson,hossein-salami,Salami\n")
        },
    ),
    "annotations:term-propose": Row(
        get=POST_ONLY,
        post="login 201 201 201 201",
        data=lambda w: {"label": "Hossein Salami", "actor_type": "person"},
    ),
    "annotations:term-detail": Row(get=EVERYONE, post=EVERYONE, args=lambda w: {"slug": w.shared_term.slug}),
    "annotations:term-edit": Row(
        get="login 200 403 200 200",
        post="login 302 403 302 302",
        args=lambda w: {"slug": w.own_term.slug},
        data=lambda w: {"label": "Alice's own term"},
    ),
    "annotations:alias-add": Row(
        get=POST_ONLY,
        post="login 302 302 302 302",
        args=lambda w: {"slug": w.shared_term.slug},
        data=lambda w: {"name": "Islamic Republic"},
    ),
    "annotations:alias-remove": Row(
        get=POST_ONLY,
        post="login 302 403 302 302",  # a name alice added to a term of the shared vocabulary
        args=lambda w: {"slug": w.shared_term.slug, "alias_id": w.alias.pk},
    ),
    "annotations:term-merge": Row(
        get=CURATORS,
        post="login 403 403 302 302",
        args=lambda w: {"slug": w.shared_term.slug},
        data=lambda w: {"survivor": w.survivor.pk, "confirm": "on"},
    ),
    "annotations:term-retire": Row(
        get=CURATORS,  # the confirmation, with the number of passages
        post="login 403 403 302 302",
        args=lambda w: {"slug": w.shared_term.slug},
        data=lambda w: {"action": "retire"},
    ),
    # The Annotations screen and saved sets
    "annotations:annotation-list": Row(get=EVERYONE, post=GET_ONLY),
    "annotations:export": Row(get=EVERYONE, post=GET_ONLY),
    "annotations:save-set": Row(get=POST_ONLY, post="login 302 302 302 302", data=lambda w: {"name": "Mine"}),
    "annotations:edit-set": Row(
        get=OWNER_OR_LEAD,
        post="login 302 403 302 302",
        args=lambda w: {"set_id": w.saved_set.pk},
        data=lambda w: {"name": "Renamed"},
    ),
    "annotations:delete-set": Row(
        get=POST_ONLY, post="login 302 403 302 302", args=lambda w: {"set_id": w.saved_set.pk}
    ),
    # Claims in the reader (annotations/views/claims.py)
    "annotations:claim-form": Row(
        get=EVERYONE, post=GET_ONLY, args=article, query=lambda w: {"span": w.span.pk}
    ),
    "annotations:claim-create": Row(
        get=POST_ONLY,
        post=EVERYONE,
        args=article,
        data=lambda w: {"span": w.span.pk, "speaker_kind": "author"},
    ),
    "annotations:claim-terms": Row(get=EVERYONE, post=GET_ONLY, args=article),
    "annotations:claim-panel": Row(get=EVERYONE, post=GET_ONLY, args=lambda w: {"claim_id": w.claim.pk}),
    "annotations:claim-edit": Row(
        get=POST_ONLY,
        post=OWNER_OR_LEAD,
        args=lambda w: {"claim_id": w.claim.pk},
        data=lambda w: {"stance": "opposed", "version": w.claim.version},
    ),
    "annotations:claim-delete": Row(
        get=POST_ONLY,
        post=OWNER_OR_LEAD,
        args=lambda w: {"claim_id": w.claim.pk},
        data=lambda w: {"version": w.claim.version},
    ),
    "annotations:claim-restore": Row(
        get=POST_ONLY, post="login 409 403 409 409", args=lambda w: {"claim_id": w.claim.pk}
    ),
    "annotations:term-accept": Row(
        get=POST_ONLY, post="login 403 403 302 302", args=lambda w: {"slug": w.own_term.slug}
    ),
    # Background jobs (jobs/views.py): the owner's only
    "jobs:detail": Row(get="login 200 403 403 403", post=GET_ONLY, args=lambda w: {"job_id": w.job.pk}),
    "jobs:download": Row(get="login 404 403 403 403", post=GET_ONLY, args=lambda w: {"job_id": w.job.pk}),
    "jobs:resume": Row(get=POST_ONLY, post="login 302 403 403 403", args=lambda w: {"job_id": w.job.pk}),
    # Team coding (annotations/views/assignments.py, analysis/views.py)
    "annotations:assign": Row(
        get=CURATORS,
        post="login 403 403 302 302",
        data=lambda w: {"article": [w.article.pk], "analysts": [w.task.analyst_id]},
    ),
    "annotations:assignment-close": Row(
        get=POST_ONLY,
        post="login 403 403 302 302",
        args=lambda w: {"assignment_id": w.assignment.pk},
        data=lambda w: {"action": "close"},
    ),
    "annotations:my-work": Row(get=EVERYONE, post=GET_ONLY),
    "annotations:assigned-status": Row(
        get=POST_ONLY,
        post="login 302 403 302 302",
        args=lambda w: {"task_id": w.task.pk},
        data=lambda w: {"status": "done", "version": w.task.version},
    ),
    "analysis:agreement": Row(get=EVERYONE, post=GET_ONLY),
    "analysis:disagreements": Row(get="login 400 400 400 400", post=GET_ONLY),
    "analysis:network": Row(get=EVERYONE, post=GET_ONLY),
    "analysis:compare": Row(get=CURATORS, post=GET_ONLY, args=article),
    "analysis:decide": Row(
        get=POST_ONLY,
        post="login 403 403 302 302",
        args=article,
        data=lambda w: {"versions": [w.span.pk], "action": "reject"},
    ),
}


def app_urls() -> Iterator[tuple[str, str]]:
    """(name, route) of every URL pattern, our apps' and Django's login/logout; the admin as its index."""

    def walk(patterns: list, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    yield "admin:index", route
                    continue
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                yield from walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                yield name or f"(unnamed) {route}", route

    return walk(get_resolver().url_patterns, "/", "")


URLS = sorted(set(app_urls()))


@pytest.mark.parametrize(("name", "route"), URLS, ids=[name for name, _ in URLS])
def test_every_url_has_a_row(name, route):
    assert name in PERMISSIONS, (
        f"{route} ({name}) has no row in PERMISSIONS in tests/test_permission_matrix.py: add one with "
        "the status each role must get for GET and POST"
    )


def test_no_row_is_left_for_a_url_that_is_gone():
    gone = set(PERMISSIONS) - {name for name, _ in URLS}
    assert not gone, f"PERMISSIONS has rows for URLs the URL configuration no longer has: {sorted(gone)}"


def expected(statuses: str) -> dict[str, str]:
    values = statuses.split()
    assert len(values) == len(ROLES), f"“{statuses}” needs one status per role: {', '.join(ROLES)}"
    return dict(zip(ROLES, values, strict=True))


def status_of(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return "login"
    return str(response.status_code)


def build_cast(alice, bob, charlie) -> tuple[World, User]:
    """The world and the staff member, built once for the module's tests (tests/conftest.py `cast`)."""
    staff = User.objects.create_user("sam", "sam@example.org", PASSWORD, is_staff=True)
    return build_world(alice), staff


@pytest.mark.parametrize("name", sorted(PERMISSIONS))
def test_each_role_gets_the_status_its_row_says(name, alice, bob, charlie, cast):
    row = PERMISSIONS[name]
    world, staff = cast.world
    clients = {"anonymous": Client()}
    for role, user in (("analyst", alice), ("other", bob), ("lead", charlie), ("staff", staff)):
        clients[role] = Client()
        clients[role].force_login(user)
    url = reverse(name, kwargs=row.args(world))
    if row.query(world):
        url += "?" + urlencode(row.query(world))
    headers = {"HX-Request": "true"} if row.htmx else {}
    wrong = []
    for method, statuses in (("GET", row.get), ("POST", row.post)):
        for role, want in expected(statuses).items():
            with transaction.atomic():
                if method == "GET":
                    response = clients[role].get(url, headers=headers)
                else:
                    response = clients[role].post(url, row.data(world), headers=headers)
                got = status_of(response)
                transaction.set_rollback(True)
            if got != want:
                wrong.append(f"{method} {url} as {role}: {got}, the row says {want}")
    assert not wrong, "\n".join(wrong)
