"""The one importer: files and folders from the command line, uploads and pasted text from the browser.

Each input becomes one or more drafts (one per article), or a refusal that names the file, the line
and the reason. Drafts are cleaned (corpus.cleaning) and hashed, then each file is stored in one
transaction (duplicates by the SHA-256 of the cleaned body in one query, batched inserts), so a bad
file or line never stops the others and no file is half-imported. The sentence analysis follows
(corpus.analysis): in the background for uploads, before the command returns on the command line.

Modules, in the order an import runs through them:

- api: the entry points import_paths, import_uploads and import_text;
- reading: folders walked, each file checked and read by its type into drafts or refusals;
- decoding: file type and size checks, bytes decoded to text;
- manifest: manifest.csv, the metadata for a folder's or an upload's other files;
- html: article text and metadata from HTML pages (trafilatura);
- rows: JSONL lines and CSV rows, one article each;
- drafts: Draft, Refusal and the metadata a draft takes;
- saving: the run itself (Importer): cleaning, duplicates, one transaction per file, analysis queued;
- jobs: uploads kept with a job and imported by the worker, file by file, resumable;
- report: FileResult and ImportReport.
"""

from corpus.importers.api import import_paths, import_text, import_uploads
from corpus.importers.decoding import TEXT_EXTENSIONS
from corpus.importers.drafts import URL_MAX_LENGTH, Draft, Refusal
from corpus.importers.html import HTML_MIN_WORDS
from corpus.importers.manifest import MANIFEST_COLUMNS, MANIFEST_NAME
from corpus.importers.report import FileResult, ImportReport, Progress, Status
from corpus.importers.saving import CHUNK_SIZE, TITLE_MAX_LINE

__all__ = [
    "CHUNK_SIZE",
    "HTML_MIN_WORDS",
    "MANIFEST_COLUMNS",
    "MANIFEST_NAME",
    "TEXT_EXTENSIONS",
    "TITLE_MAX_LINE",
    "URL_MAX_LENGTH",
    "Draft",
    "FileResult",
    "ImportReport",
    "Progress",
    "Refusal",
    "Status",
    "import_paths",
    "import_text",
    "import_uploads",
]
