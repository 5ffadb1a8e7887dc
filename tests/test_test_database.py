"""The test suite's own PostgreSQL backend (tests/postgresql): its flush, by DELETE, leaves the database as
Django's TRUNCATE did: every table empty, whatever points at what, and only what post_migrate makes again
(the content types and permissions it keeps, the leads group it makes anew)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from annotations.models import Claim, Span
from tests.annotated_world import build_world

# What post_migrate makes again after a flush: content types, permissions and the leads group.
REMADE = {ContentType, Permission, Group, Group.permissions.through}


@pytest.mark.django_db(transaction=True)
def test_a_flush_empties_every_table_whatever_points_at_it(alice, bob):
    world = build_world(alice, bob)
    Claim.create_on(world.us_kills, {"speaker_kind": "author", "stance": "supportive"}, by=alice)
    assert Span.objects.exists() and Claim.objects.exists()

    call_command("flush", interactive=False, verbosity=0)

    models = {model for model in apps.get_models(include_auto_created=True) if model._meta.managed}
    left = sorted(model._meta.label for model in models - REMADE if model._default_manager.exists())
    assert left == []
    assert Group.objects.filter(name="leads").exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the flush by DELETE is the PostgreSQL test backend's"
)
def test_postgresql_flushes_by_delete_unless_sequences_are_reset():
    kept = connection.ops.sql_flush(no_style(), ["corpus_article", "annotations_span"])
    assert kept == [
        "SET CONSTRAINTS ALL DEFERRED;",
        'DELETE FROM "corpus_article";',
        'DELETE FROM "annotations_span";',
    ]
    reset = connection.ops.sql_flush(no_style(), ["corpus_article"], reset_sequences=True)
    assert reset == ['TRUNCATE "corpus_article" RESTART IDENTITY;']


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="keeping the content types is the PostgreSQL test backend's"
)
@pytest.mark.django_db(transaction=True)
def test_a_teardown_flush_keeps_the_permissions_and_still_adds_back_a_missing_one():
    change_term = Permission.objects.get(codename="change_term")
    Permission.objects.filter(codename="view_term").delete()

    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)  # TransactionTestCase's

    assert Permission.objects.get(codename="change_term").pk == change_term.pk
    assert Permission.objects.filter(codename="view_term").exists()
    assert Group.objects.get(name="leads").permissions.filter(codename="change_term").exists()
