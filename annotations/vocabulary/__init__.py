"""Loading and exporting the shared vocabulary.

Two formats: the seed's JSON shape (`actors`, `event_types`, everything an entry carries kept in
`Term.mappings`) and a flat CSV of `kind, id, label, code, parent, aliases, description`.
Loading is idempotent: a file loaded twice changes nothing, and no term is ever deleted. What a load
may change depends on who loads (curation.py): the operator's load follows the file only where the team
left a field as the file last had it; a team member's load is their edit, with their permissions.

One module per step: entries (what a file describes), reading (JSON and CSV into entries), curation
(what a load may change in an existing term), loading (entries into the database), report (what a load
did), export (JSON and CSV writers).
"""

from annotations.vocabulary.entries import ALIAS_SEPARATOR, CSV_COLUMNS, SPELLINGS, Entry, VocabularyFileError
from annotations.vocabulary.export import (
    ACTOR_ORDER,
    EVENT_ORDER,
    export_csv,
    export_json,
    export_vocabulary,
    term_as_json,
)
from annotations.vocabulary.loading import chunks, load_vocabulary, load_vocabulary_bytes
from annotations.vocabulary.reading import (
    ACTOR_FIELDS,
    ACTOR_TYPES,
    EVENT_FIELDS,
    NULLABLE,
    parse_csv,
    parse_json,
)
from annotations.vocabulary.report import VocabularyReport

__all__ = [
    "ACTOR_FIELDS",
    "ACTOR_ORDER",
    "ACTOR_TYPES",
    "ALIAS_SEPARATOR",
    "CSV_COLUMNS",
    "EVENT_FIELDS",
    "EVENT_ORDER",
    "NULLABLE",
    "SPELLINGS",
    "Entry",
    "VocabularyFileError",
    "VocabularyReport",
    "chunks",
    "export_csv",
    "export_json",
    "export_vocabulary",
    "load_vocabulary",
    "load_vocabulary_bytes",
    "parse_csv",
    "parse_json",
    "term_as_json",
]
