"""The suite's demo copied back (tests/demo_copy.py) is the demo the command loads, and the copy steps
aside wherever the command would load something else."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection, transaction

from annotations.management.commands.load_demo import DEMO_PASSWORD, DEMO_USERNAME
from annotations.models import Term
from annotations.permissions import LEAD_PERMISSIONS, LEADS_GROUP, OPERATOR, can_curate_vocabulary
from annotations.suggestions import vocabulary_version
from annotations.vocabulary.export import export_json
from corpus.models import Article
from tests import demo_copy


def demo_as_seen() -> dict:
    """The demo without its ids: each table's row count, the vocabulary as exported, the articles."""
    articles = Article.objects.order_by("sha256").values_list(
        "sha256", "title", "source__name", "authors", "word_count", "sentence_starts", "imported_by__username"
    )
    return {
        "counts": demo_copy._counts(demo_copy._tables()),
        "vocabulary": export_json(),
        "articles": list(articles),
    }


def flush(reset_sequences: bool = False) -> None:
    """As a transactional test's teardown flushes (TransactionTestCase: sequences kept), or with the
    sequences reset as `manage.py flush` does."""
    call_command("flush", interactive=False, verbosity=0, reset_sequences=reset_sequences)


def copy_made() -> None:
    """A copy in this process, and a flushed database. The copy comes from a load into a flushed
    database: a test process's first transactional test starts from the migrated one, whose vocabulary
    version the load bumps, and that load is not copied."""
    for _ in range(2):
        demo_copy.load_demo()
        flush()
    assert demo_copy._copy is not None


@pytest.mark.django_db(transaction=True)
def test_a_copied_demo_is_the_demo_the_command_loads():
    copy_made()
    demo_copy._run(None)
    loaded = demo_as_seen()
    flush(reset_sequences=True)
    Group.objects.filter(name=LEADS_GROUP).delete()  # the command makes it if it is missing

    assert demo_copy.load_demo() == "copied"
    copied = demo_as_seen()
    assert {t: n for t, n in copied["counts"].items() if loaded["counts"][t] != n} == {}
    assert copied == loaded
    analyst = User.objects.get(username=DEMO_USERNAME)
    assert analyst.check_password(DEMO_PASSWORD)
    # The leads group is there with its permissions, whatever ids the flush gave them.
    leads = Group.objects.get(name=LEADS_GROUP)
    assert sorted(leads.permissions.values_list("codename", flat=True)) == sorted(
        codename for _, codename in LEAD_PERMISSIONS
    )
    lead = User.objects.create_user("leo")
    lead.groups.add(leads)
    assert can_curate_vocabulary(User.objects.get(username="leo"))
    # New rows get ids past the copied ones, though the flush restarted the sequences.
    assert lead.pk > analyst.pk
    newest = Article.objects.create(title="New", body="A new body.", sha256=Article.hash_body("A new body."))
    assert newest.pk > max(Article.objects.exclude(pk=newest.pk).values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_change_after_the_copy_is_gone_with_the_flush_and_the_vocabulary_version_follows():
    copy_made()
    assert demo_copy.load_demo() == "copied"
    version = vocabulary_version()
    Term.objects.get(slug="qasem-soleimani").add_alias("Soleimany", by=OPERATOR)
    changed = vocabulary_version()
    assert changed != version
    flush()

    assert demo_copy.load_demo() == "copied"
    assert not Term.objects.filter(aliases__name="Soleimany").exists()
    # The copy's version again: what a process compiled for it is the demo's vocabulary.
    assert vocabulary_version() == version


@pytest.mark.django_db(transaction=True)
def test_a_database_that_holds_some_of_the_demo_gets_the_command():
    copy_made()
    Term.objects.create(slug="qasem-soleimani", kind="actor", label="General Soleimani")

    assert demo_copy.load_demo() == "loaded"
    # The command's merge, not a copy beside the term: one term, the team's label kept.
    assert Term.objects.filter(slug="qasem-soleimani").count() == 1
    flush()
    User.objects.create_user(DEMO_USERNAME, password="the analyst's own")
    assert demo_copy.load_demo() == "loaded"
    assert User.objects.get(username=DEMO_USERNAME).check_password("the analyst's own")


@pytest.mark.django_db(transaction=True)
def test_other_users_may_be_there_first():
    copy_made()
    User.objects.create_user("alice")

    assert demo_copy.load_demo() == "copied"
    assert set(User.objects.values_list("username", flat=True)) == {"alice", DEMO_USERNAME}


@pytest.mark.django_db(transaction=True)
def test_a_lost_copy_gives_the_command_and_is_made_again():
    copy_made()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {demo_copy._copy_name('corpus_article')}")

    assert demo_copy.load_demo() == "loaded"  # and copied again
    assert Article.objects.count() == 5
    flush()
    assert demo_copy.load_demo() == "copied"
    assert Article.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_copy_comes_back_and_goes_with_it():
    copy_made()
    with pytest.raises(RuntimeError), transaction.atomic():  # as pytest-django's `db` holds one
        assert demo_copy.load_demo() == "copied"
        assert Article.objects.count() == 5
        raise RuntimeError("rolled back")
    assert Article.objects.count() == 0
    assert demo_copy.load_demo() == "copied"


def test_given_somewhere_to_report_the_command_runs(db):
    out = io.StringIO()
    assert demo_copy.load_demo(out) == "loaded"
    assert "Demo login" in out.getvalue()
