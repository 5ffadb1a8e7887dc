"""A whole team's work, through the models' own verbs, for backup and bundle tests: the annotated world,
plus claims (one coded through the verbs and deleted), notes on the article (one deleted), a saved set
naming an article, a retired term, a merged one, a proposed one, an alias, a lead, a term and claim field
definitions from an operator's vocabulary file (so `loaded_values`), assignments (one independent, one
closed), adjudication decisions (one superseded), suggestion rejections (one lifted again by a lead),
and the history all that wrote."""

from __future__ import annotations

import io
import json
from datetime import date

from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.db import connection

from annotations.models import Assignment, Claim, Decision, Note, SavedSet, Span, SpeakerKind, Status, Term
from annotations.suggestions import reject, restore_rejections
from annotations.vocabulary import load_vocabulary_bytes
from tests.annotated_world import build_world

# An operator's vocabulary file: one new actor, and the definitions of two claim fields.
TEAM_VOCABULARY = {
    "actors": [
        {
            "id": "hezbollah",
            "label": "Hezbollah",
            "kind": "armed_group",
            "country": "LBN",
            "aliases": ["Hezbollah", "Hizbullah"],
            "cameo_code": "LBNMIL",
        }
    ],
    "event_types": [],
    "claim_attributes": {
        "fields": [
            {
                "name": "stance",
                "type": "enum",
                "values": ["supportive", "opposed", "neutral", "mixed"],
                "definition": "The speaker's stance toward the target.",
            },
            {"name": "reporting_verb", "type": "free_text", "definition": "The verb that reports the claim."},
        ]
    },
}


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
    coded = Claim.create_on(
        world.quds_commander, {"speaker_kind": "author", "stance": "opposed", "target": world.usa.pk}, by=bob
    )
    coded.soft_delete(by=bob, version=coded.version)  # deleted, so Undo must survive the move
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
    load_vocabulary_bytes(json.dumps(TEAM_VOCABULARY).encode(), filename="team.json")
    assign_and_adjudicate(world, alice, bob, charlie, span)
    reject_suggestions(world, alice, bob, charlie)
    return world


def assign_and_adjudicate(world, alice: User, bob: User, charlie: User, alices: Span) -> None:
    """An independent assignment (both coders done, so the lead may adjudicate), a closed one, and two
    decisions on one unit: alice's version kept, then every version rejected (the first decision
    superseded, its passage deleted)."""
    both = Assignment.hand_out(
        [world.killing], [alice, bob], by=charlie, independent=True, due=date(2020, 3, 1), note="Both, blind."
    )
    task = both.tasks.get(analyst=alice)
    task.set_status(Status.DONE, by=alice, version=task.version)
    Assignment.hand_out([world.revenge], [bob], by=charlie, name="Revenge").close(by=charlie)
    body = world.killing.body
    start = body.index("a drone strike near the airport")
    bobs = Span.create_for(
        world.killing, start, start + 31, body[start : start + 31], by=bob, term=world.strike
    )
    bobs_task = both.tasks.get(analyst=bob)
    bobs_task.set_status(Status.DONE, by=bob, version=bobs_task.version)
    Decision.decide([alices, bobs], Decision.Action.KEEP, by=charlie, keep=alices, assignment=both)
    Decision.decide([alices, bobs], Decision.Action.REJECT, by=charlie, assignment=both)


def reject_suggestions(world, alice: User, bob: User, charlie: User) -> None:
    """ "United States" is not the USA here (alice), "Baghdad" not a new actor (bob), and "Soleimani"
    not Qasem Soleimani, which a lead lifted again."""
    body = world.killing.body

    def reject_text(text: str, term: Term | None, by: User) -> None:
        start = body.index(text)
        reject(world.killing, start, start + len(text), term, "" if term else text, by=by)

    reject_text("United States", world.usa, alice)
    reject_text("Baghdad", None, bob)
    reject_text("Soleimani", world.soleimani, bob)
    restore_rejections("soleimani", world.soleimani.pk, by=charlie)


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
