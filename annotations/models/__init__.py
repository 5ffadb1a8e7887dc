"""The shared vocabulary (Term, Alias) and the annotations made with it (Span, Tag, Note).

Every change to these is recorded as a Change: who, when, before, after. One module per part:
vocabulary (Term, Alias), passages (Span, Tag), claims (Claim and its enumerations), notes (Note),
changes (Change), sets (SavedSet).
"""

from annotations.models.base import PREFIX_LENGTH, Refused
from annotations.models.changes import Change
from annotations.models.claims import (
    AttributionType,
    Certainty,
    Claim,
    ClaimType,
    EventModality,
    EvidenceCited,
    SpeakerKind,
    SpeakerRole,
    Stance,
)
from annotations.models.notes import Note, NoteQuerySet
from annotations.models.passages import NoteRow, Span, SpanQuerySet, SpanRow, Tag, TagRow
from annotations.models.sets import SavedSet
from annotations.models.suggestions import SuggestionRejection, VocabularyVersion, vocabulary_change
from annotations.models.vocabulary import NO_MATCH, Alias, Term, TermQuerySet

__all__ = [
    "NO_MATCH",
    "PREFIX_LENGTH",
    "Alias",
    "AttributionType",
    "Certainty",
    "Change",
    "Claim",
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
    "SuggestionRejection",
    "Tag",
    "TagRow",
    "Term",
    "TermQuerySet",
    "VocabularyVersion",
    "vocabulary_change",
]
