"""Assignments through real HTTP with three users (alice, bob: analysts; charlie: lead), and the
assign / assignments commands."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from annotations.models import AssignedArticle, Assignment, Change, SavedSet, Status
from tests.annotated_world import build_world, make_article, make_span

ASSIGN = reverse("annotations:assign")
MY_WORK = reverse("annotations:my-work")
ARTICLES = reverse("corpus:article-list")


def build_cast(alice, bob):
    """Built once for the module's tests (tests/conftest.py `cast`)."""
    return build_world(alice, bob)


@pytest.fixture
def world(cast):
    return cast.world


def status_url(task: AssignedArticle) -> str:
    return reverse("annotations:assigned-status", args=[task.pk])


def as_user(client, user):
    client.force_login(user)
    return client


def test_lead_assigns_ticked_articles_to_two_analysts_independently(client, world, alice, bob, charlie):
    as_user(client, charlie)
    page = client.get(ASSIGN, {"article": [world.killing.pk, world.revenge.pk]}).content.decode()
    assert "2 articles: the ticked articles." in page
    response = client.post(
        ASSIGN,
        {
            "article": [world.killing.pk, world.revenge.pk],
            "analysts": [alice.pk, bob.pk],
            "independent": "on",
            "due": "2026-12-05",
            "note": "Code speakers first",
            "name": "Week 1",
        },
    )
    assignment = Assignment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{MY_WORK}?assignment={assignment.pk}"
    assert (assignment.independent, str(assignment.due), assignment.note, assignment.created_by) == (
        True,
        "2026-12-05",
        "Code speakers first",
        charlie,
    )
    assert AssignedArticle.objects.filter(assignment=assignment).count() == 4
    change = Change.objects.get(object_type="assignment")
    assert change.summary == "Assigned 2 articles to alice, bob independently, due 2026-12-05"


def test_lead_assigns_what_the_articles_search_found(client, world, alice, charlie):
    as_user(client, charlie)
    page = client.get(ASSIGN, {"q": "Revenge"}).content.decode()
    assert "1 article: the articles the Articles list found." in page
    client.post(ASSIGN, {"q": "Revenge", "analysts": [alice.pk]})
    assert list(AssignedArticle.objects.values_list("article__title", "analyst__username")) == [
        ("Revenge for Soleimani", "alice")
    ]


def test_lead_assigns_the_articles_of_a_saved_set(client, world, alice, charlie):
    saved = SavedSet.objects.create(owner=alice, name="IRGC", query="term=irgc&role=source")
    as_user(client, charlie)
    client.post(ASSIGN, {"set": saved.pk, "analysts": [alice.pk]})
    assert list(AssignedArticle.objects.values_list("article_id", flat=True)) == [world.revenge.pk]


def test_articles_list_offers_ticking_and_assigning_to_leads_only(client, world, alice, charlie):
    page = as_user(client, charlie).get(ARTICLES, {"q": "Soleimani"}).content.decode()
    assert f'value="{world.killing.pk}" form="assign-articles"' in page
    assert f'action="{ASSIGN}"' in page and 'name="q" value="Soleimani"' in page
    page = as_user(client, alice).get(ARTICLES).content.decode()
    assert "assign-articles" not in page


def test_analyst_cannot_assign(client, world, alice, bob):
    as_user(client, alice)
    assert client.get(ASSIGN, {"article": world.killing.pk}).status_code == 403
    response = client.post(ASSIGN, {"article": world.killing.pk, "analysts": [bob.pk]})
    assert response.status_code == 403 and "Only a lead can assign" in response.content.decode()
    assert not Assignment.objects.exists()


def test_independent_coding_with_one_analyst_is_refused_and_the_form_keeps_what_was_typed(
    client, world, alice, charlie
):
    as_user(client, charlie)
    response = client.post(
        ASSIGN,
        {"article": world.killing.pk, "analysts": [alice.pk], "independent": "on", "note": "Kept note"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "needs two or more analysts" in page
    assert "Kept note" in page
    assert re.search(rf'<input type="checkbox" name="analysts" value="{alice.pk}"[^>]*checked', page)
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"article": "x"}, "Article ids are numbers"),
        ({"article": "999"}, "No article with id 999"),
        ({"set": "77"}, "There is no saved set “77”"),
        ({"published_from": "yesterday"}, "Published from"),
    ],
)
def test_bad_article_choices_are_refused_with_a_400_naming_the_problem(
    client, world, charlie, params, message
):
    response = as_user(client, charlie).get(ASSIGN, params)
    assert response.status_code == 400 and message in response.content.decode()


def test_bad_due_date_is_refused(client, world, alice, charlie):
    response = as_user(client, charlie).post(
        ASSIGN, {"article": world.killing.pk, "analysts": [alice.pk], "due": "soon"}
    )
    assert response.status_code == 400 and "Enter the due date as YYYY-MM-DD." in response.content.decode()


@pytest.fixture
def assignment(world, alice, bob, charlie):
    return Assignment.hand_out([world.killing, world.revenge], [alice, bob], by=charlie, independent=True)


def task_of(user, article) -> AssignedArticle:
    return AssignedArticle.objects.get(analyst=user, article=article)


def test_my_work_lists_the_analysts_articles_with_status_and_counts(client, world, assignment, alice):
    page = as_user(client, alice).get(MY_WORK).content.decode()
    assert page.count('class="status-') == 2
    killing_row = page[page.index(f"task-{task_of(alice, world.killing).pk}") :].split("</tr>")[0]
    # alice has one live passage on the killing article: in progress, 1 passage, 0 claims.
    assert "In progress" in killing_row and '<td class="num">1</td>' in killing_row
    assert world.killing.get_absolute_url() in killing_row
    assert "bob" not in page.split("<h2>Articles</h2>")[1]


def test_status_is_to_do_until_the_analyst_codes(client, world, bob, charlie):
    fresh = make_article("Fresh", "Nobody has read this yet.", None, None)
    Assignment.hand_out([fresh], [bob], by=charlie)
    row_id = f"task-{task_of(bob, fresh).pk}"
    page = as_user(client, bob).get(MY_WORK).content.decode()
    assert "To do" in page[page.index(row_id) :].split("</tr>")[0]
    make_span(fresh, "Nobody", bob)
    page = client.get(MY_WORK).content.decode()
    assert "In progress" in page[page.index(row_id) :].split("</tr>")[0]


def test_analyst_marks_done_and_reopens(client, world, assignment, alice):
    task = task_of(alice, world.killing)
    as_user(client, alice)
    response = client.post(status_url(task), {"status": "done", "version": task.version})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.done_at is not None) == (Status.DONE, True)
    client.post(status_url(task), {"status": "in_progress", "version": task.version})
    task.refresh_from_db()
    assert (task.status, task.done_at) == (Status.IN_PROGRESS, None)
    assert Change.objects.filter(object_type="assignment", summary__contains="done → in progress").exists()


def test_analyst_cannot_change_a_colleagues_status(client, world, assignment, alice, bob):
    task = task_of(bob, world.killing)
    response = as_user(client, alice).post(status_url(task), {"status": "done", "version": task.version})
    assert response.status_code == 403 and "bob’s assignment" in response.content.decode()
    assert task_of(bob, world.killing).status == Status.TODO


def test_stale_status_change_is_refused(client, world, assignment, alice):
    task = task_of(alice, world.killing)
    as_user(client, alice)
    client.post(status_url(task), {"status": "done", "version": task.version})
    response = client.post(status_url(task), {"status": "in_progress", "version": task.version})
    assert response.status_code == 409 and "now done" in response.content.decode()


def test_unknown_status_is_refused(client, world, assignment, alice):
    task = task_of(alice, world.killing)
    response = as_user(client, alice).post(status_url(task), {"status": "finished", "version": task.version})
    assert response.status_code == 422 and "“finished” is not a status" in response.content.decode()


def test_closing_freezes_statuses_and_reopening_undoes_it(client, world, assignment, alice, charlie):
    close = reverse("annotations:assignment-close", args=[assignment.pk])
    assert as_user(client, alice).post(close).status_code == 403
    as_user(client, charlie).post(close)
    assignment.refresh_from_db()
    assert assignment.is_closed
    task = task_of(alice, world.killing)
    response = as_user(client, alice).post(status_url(task), {"status": "done", "version": task.version})
    assert response.status_code == 409 and "closed this assignment" in response.content.decode()
    as_user(client, charlie).post(close, {"action": "reopen"})
    assignment.refresh_from_db()
    assert not assignment.is_closed
    assert list(
        Change.objects.filter(object_type="assignment", summary__startswith=("Closed")).values_list(
            "summary", flat=True
        )
    ) == [f"Closed {assignment}"]


def test_lead_sees_everyones_progress_and_filters_by_analyst_and_assignment(
    client, world, assignment, bob, charlie
):
    task = task_of(bob, world.revenge)
    task.set_status("done", by=bob, version=task.version)
    as_user(client, charlie)
    page = client.get(MY_WORK).content.decode()
    assert "1 / 4" in page and page.count('class="analyst"') == 4
    page = client.get(MY_WORK, {"analyst": "bob", "assignment": assignment.pk}).content.decode()
    assert page.count('class="analyst"') == 2 and "Done" in page
    response = client.get(MY_WORK, {"analyst": "zed"})
    assert response.status_code == 400 and "No analyst called “zed”" in response.content.decode()


def test_lead_can_mark_an_analysts_article_done(client, world, assignment, alice, charlie):
    task = task_of(alice, world.killing)
    as_user(client, charlie).post(status_url(task), {"status": "done", "version": task.version})
    assert task_of(alice, world.killing).status == Status.DONE


def test_site_navigation_links_to_my_work(client, world, alice):
    assert f'href="{MY_WORK}"' in as_user(client, alice).get(ARTICLES).content.decode()


def test_assign_command_assigns_a_saved_set_independently(world, alice, bob, charlie):
    SavedSet.objects.create(owner=alice, name="Everything", query="")
    out = io.StringIO()
    call_command(
        "assign", "--set", "Everything", "--to", "alice", "bob", "--independent", "--due", "2026-12-01",
        "--note", "Both articles", "--by", "charlie", stdout=out,
    )  # fmt: skip
    assignment = Assignment.objects.get()
    assert out.getvalue().startswith(f"Assignment {assignment.pk}: 2 article(s) independently to alice, bob.")
    assert (assignment.independent, str(assignment.due), assignment.created_by) == (
        True,
        "2026-12-01",
        charlie,
    )
    assert AssignedArticle.objects.count() == 4


def test_assign_command_takes_article_ids_and_the_only_lead_by_default(world, alice, charlie):
    call_command("assign", "--article", str(world.killing.pk), "--to", "alice", stdout=io.StringIO())
    assert Assignment.objects.get().created_by == charlie


@pytest.mark.parametrize(
    "args, message",
    [
        (["--article", "999", "--to", "alice"], "No article with id 999"),
        (["--article", "1", "--to", "zed"], "No analyst called “zed”"),
        (["--article", "1", "--to", "alice", "--independent"], "two or more analysts"),
        (["--article", "1", "--to", "alice", "--by", "bob"], "Only a lead can assign"),
        (["--article", "1", "--to", "alice", "--due", "soon"], "YYYY-MM-DD"),
    ],
)
def test_assign_command_refuses_bad_input(world, alice, bob, charlie, args, message):
    args = [str(world.killing.pk) if a == "1" else a for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("assign", *args, stdout=io.StringIO())
    assert not Assignment.objects.exists()


def test_assignments_command_prints_progress_per_analyst(world, assignment, alice):
    task = task_of(alice, world.killing)
    task.set_status("done", by=alice, version=task.version)
    out = io.StringIO()
    call_command("assignments", stdout=out)
    lines = out.getvalue().splitlines()
    header = "assignment name mode due state analyst to_do in_progress done total"
    assert lines[0].split() == header.split()
    alice_line = next(line.split() for line in lines if " alice " in f" {line} ")
    # killing done; revenge in progress (alice has a passage there).
    assert alice_line[-4:] == ["0", "1", "1", "2"] and "independent" in alice_line


def test_analysts_see_their_assignments_progress_counted_once(client, world, assignment, alice):
    page = as_user(client, alice).get(MY_WORK).content.decode()
    row = page[page.index(f'id="assignment-{assignment.pk}"') :].split("</tr>")[0]
    assert "0 / 4" in row
