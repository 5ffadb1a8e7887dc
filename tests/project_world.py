"""A whole team's work, through the models' own verbs, for backup and bundle tests: the annotated world,
plus a claim, notes on the article (one deleted), a saved set naming an article, a retired term, a merged
one, a proposed one, an alias, a lead, and the history all that wrote."""

from __future__ import annotations

import io

from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.db import connection

from annotations.models import Claim, Note, SavedSet, Span, SpeakerKind, Term
from tests.annotated_world import build_world


def build_project(alice: User, bob: User, charlie: User):
    world = build_world(alice, bob)
    leads = Group.objects.get(name="leads")
    leads.permissions.add(Permission.objects.get(codename="change_term"))
    body = world.killing.body
    start = body.index("near the airport")
    span = Span.create_for(world.killing, start, start + 16, "near the airport", by=alice, term=world.strike)
    span.add_note("Where exactly?", by=bob)
    Claim.objects.create(
        span=world.us_kills,
        article=world.killing,
        speaker_kind=SpeakerKind.ACTOR,
        speaker=world.usa,
        target=world.soleimani,
        certainty="asserted_certain",
        hedge_cues=[{"text": "killed", "start": 38, "end": 44}],
        created_by=alice,
    )
    Claim.objects.create(
        span=world.irgc_revenge,
        article=world.revenge,
        speaker_kind=SpeakerKind.UNNAMED,
        unnamed_speaker="officials",
        speaker_group=world.irgc,
        created_by=bob,
    )
    Note.add_to_article(world.killing, "Check the date against Reuters.", by=bob)
    gone = Note.add_to_article(world.revenge, "A note later deleted.", by=alice)
    gone.soft_delete(by=alice, version=gone.version)
    world.soleimani.add_alias("Gen. Soleimani", by=charlie)
    old = Term.objects.create(slug="old-name", kind="actor", label="Old name")
    old.retire(by=charlie)
    twin = Term.objects.create(slug="usa-twin", kind="actor", label="The United States of America")
    twin.merge_into(world.usa, by=charlie)
    Term.propose("Kataib Hezbollah", "armed_group", by=bob)
    SavedSet.objects.create(owner=alice, name="Killing", query=f"article={world.killing.pk}&term=usa")
    return world


def table_rows() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
            rows[table] = cursor.fetchall()
    return rows


def exports() -> dict[str, str]:
    """The team's exports as an analyst downloads them."""
    result = {}
    for fmt in ("csv", "csv-long", "jsonl"):
        out = io.StringIO()
        call_command("export_annotations", format=fmt, stdout=out)
        result[fmt] = out.getvalue()
    return result
