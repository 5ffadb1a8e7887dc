"""The shared vocabulary (Term, Alias) and the annotations made with it (Span, Tag, Note).

Every change to these is recorded as a Change: who, when, before, after. One module per part:
vocabulary (Term, Alias), passages (Span, Tag), claims (Claim and its enumerations; claim_values
checks what a claim may hold; claim_attributes holds the fields' definitions), notes (Note),
changes (Change), sets (SavedSet), assignments (Assignment, AssignedArticle), visibility (who sees
whose work under independent coding), adjudication (Decision), suggestions (rejections, the
vocabulary's version).
"""

from annotations.models.adjudication import Decision
from annotations.models.assignments import AssignedArticle, Assignment, Status
from annotations.models.base import PREFIX_LENGTH, Refused
from annotations.models.changes import Change
from annotations.models.claim_attributes import ClaimAttribute
from annotations.models.claims import (
    CLAIM_ENUMERATIONS,
    CLAIM_FIELDS,
    AttributionType,
    Certainty,
    Claim,
    ClaimQuerySet,
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
from annotations.models.passages import (
    KIND_BITS,
    BodyRow,
    BodyRows,
    NoteRow,
    PassageCount,
    Span,
    SpanQuerySet,
    SpanRow,
    Tag,
    TagRow,
)
from annotations.models.sets import SavedSet
from annotations.models.suggestions import SuggestionRejection, VocabularyVersion, vocabulary_change
from annotations.models.vocabulary import NO_MATCH, Alias, Term, TermQuerySet

__all__ = [
    "PassageCount",
    "CLAIM_ENUMERATIONS",
    "CLAIM_FIELDS",
    "KIND_BITS",
    "NO_MATCH",
    "PREFIX_LENGTH",
    "Alias",
    "AssignedArticle",
    "Assignment",
    "AttributionType",
    "BodyRow",
    "BodyRows",
    "Certainty",
    "Change",
    "Claim",
    "ClaimQuerySet",
    "ClaimAttribute",
    "ClaimRow",
    "ClaimType",
    "Decision",
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
    "Status",
    "SuggestionRejection",
    "Tag",
    "TagRow",
    "Term",
    "TermQuerySet",
    "VocabularyVersion",
    "vocabulary_change",
    "author_voice",
]
