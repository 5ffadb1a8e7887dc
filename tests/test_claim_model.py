"""The claim record's shape: the database itself refuses a speaker that does not fit its kind."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from annotations.models import Claim, SpeakerKind
from tests.annotated_world import build_world


@pytest.fixture
def world(alice, bob):
    return build_world(alice, bob)


def claim(world, alice, **fields) -> Claim:
    span = world.us_kills
    return Claim.objects.create(span=span, article_id=span.article_id, created_by=alice, **fields)


def test_the_three_speaker_kinds_are_stored(world, alice):
    by_actor = claim(world, alice, speaker_kind=SpeakerKind.ACTOR, speaker=world.usa)
    by_author = claim(world, alice, speaker_kind=SpeakerKind.AUTHOR)
    unnamed = claim(
        world,
        alice,
        speaker_kind=SpeakerKind.UNNAMED,
        unnamed_speaker="a senior US official",
        speaker_group=world.usa,
    )
    assert {c.pk for c in world.us_kills.claims.all()} == {by_actor.pk, by_author.pk, unnamed.pk}


@pytest.mark.parametrize(
    "fields",
    [
        {"speaker_kind": SpeakerKind.ACTOR},  # an actor speaker without the actor
        {"speaker_kind": SpeakerKind.UNNAMED},  # an unnamed source not described
        {"speaker_kind": SpeakerKind.AUTHOR, "speaker_id": -1},  # the author is not a vocabulary actor
    ],
)
def test_a_speaker_that_does_not_fit_its_kind_is_refused(world, alice, fields):
    if "speaker_id" in fields:
        fields = {**fields, "speaker_id": world.usa.pk}
    with pytest.raises(IntegrityError), transaction.atomic():
        claim(world, alice, **fields)
