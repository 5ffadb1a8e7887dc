"""The shared vocabulary (Term, Alias) and the annotations made with it (Span, Tag, Note).

Every change to these is recorded as a Change: who, when, before, after. One module per part:
vocabulary (Term, Alias), passages (Span, Tag), claims (Claim and its enumerations; claim_values
checks what a claim may hold; claim_attributes holds the fields' definitions), notes (Note),
changes (Change), sets (SavedSet).
"""

from annotations.models.base import PREFIX_LENGTH, Refused
from annotations.models.changes import Change
from annotations.models.claim_attributes import ClaimAttribute
from annotations.models.claims import (
    CLAIM_ENUMERATIONS,
    CLAIM_FIELDS,
    AttributionType,
    Certainty,
    Claim,
    ClaimRow,
    ClaimType,
    EventModality,
    EvidenceCited,
    SpeakerKind,
    SpeakerRole,
    Stance,
    author_voice,
)
from annotations.models.notes import Note, NoteQuerySet
from annotations.models.passages import NoteRow, Span, SpanQuerySet, SpanRow, Tag, TagRow
from annotations.models.sets import SavedSet
from annotations.models.vocabulary import NO_MATCH, Alias, Term, TermQuerySet

__all__ = [
    "CLAIM_ENUMERATIONS",
    "CLAIM_FIELDS",
    "NO_MATCH",
    "PREFIX_LENGTH",
    "Alias",
    "AttributionType",
    "Certainty",
    "Change",
    "Claim",
    "ClaimAttribute",
    "ClaimRow",
    "ClaimType",
    "EventModality",
    "EvidenceCited",
    "Note",
    "NoteQuerySet",
    "NoteRow",
    "Refused",
    "SavedSet",
    "SpeakerKind",
    "SpeakerRole",
    "Span",
    "SpanQuerySet",
    "SpanRow",
    "Stance",
    "Tag",
    "TagRow",
    "Term",
    "TermQuerySet",
    "author_voice",
]
