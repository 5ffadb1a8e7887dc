"""Importing passages exported by another Marginalia (our JSONL, or the long CSV) without losing any.

- Articles are matched by the SHA-256 of their body; terms by id (slug); analysts by username, and an
  unknown analyst is created inactive, with no usable password, so their work keeps its author.
- Each passage is re-anchored (annotations/anchoring.py): offsets that still hold the quote are kept;
  otherwise the quote is looked for by its prefix and suffix and the passage is reported *moved*.
- A passage that cannot be placed (no article with that SHA-256, or the quote is no longer in the body:
  *orphaned*) is never given made-up offsets: it is not created, it is listed in the report and written
  whole, with the reason, to an orphans file (JSONL, importable again once the article is there).
- A tag whose term is unknown is reported; the passage is imported with the tags that resolve.
- Importing the same file twice creates nothing twice: a passage is the same when article, start, end,
  analyst and quote are; its tags and notes are added only if missing.
- One transaction per passage: a passage is imported whole or not at all.
- Claims come with their passages (the JSONL's `claims`, or the claims JSONL): see importing_claims.py.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, transaction
from django.utils import timezone

from annotations.anchoring import reanchor
from annotations.export import JSONL_FORMAT, LONG_CSV_COLUMNS, unneutralise
from annotations.history import record
from annotations.importing_claims import ClaimImport, claims_as_passages
from annotations.models import PREFIX_LENGTH, Note, Span, Tag, Term
from corpus.models import Article

REQUIRED = ("article_sha256", "start", "end", "quote", "annotator")


class UnreadableFile(ValueError):
    """The file is not one of our exports; the message says why."""


@dataclass
class ImportReport:
    created: int = 0
    already_there: int = 0
    moved: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    no_article: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    term_problems: list[str] = field(default_factory=list)
    new_analysts: list[str] = field(default_factory=list)
    tags_added: int = 0
    notes_added: int = 0
    claims_added: int = 0
    claim_problems: list[str] = field(default_factory=list)
    # Passages not imported, as read, each with "import_problem": written to the orphans file.
    unplaced: list[dict[str, Any]] = field(default_factory=list)

    not_imported: int = 0

    def summary(self) -> str:
        parts = [
            f"imported {self.created}",
            f"already there {self.already_there}",
            f"moved {len(self.moved)}",
            f"orphaned {len(self.orphaned)}",
            f"no article {len(self.no_article)}",
        ]
        if self.refused:
            parts.append(f"refused {len(self.refused)}")
        if self.term_problems:
            parts.append(f"tags not imported {len(self.term_problems)}")
        if self.new_analysts:
            parts.append(f"new inactive analysts {len(self.new_analysts)}")
        if self.claims_added or self.claim_problems:
            parts.append(f"claims imported {self.claims_added}")
        if self.claim_problems:
            parts.append(f"claims not imported {len(self.claim_problems)}")
        return ", ".join(parts)

    def lines(self) -> list[str]:
        """Everything an analyst should read: each moved, orphaned, unplaced or refused passage."""
        out = []
        for title, entries in (
            ("Moved (re-anchored by quote)", self.moved),
            ("Orphaned (quote no longer in the article; not imported)", self.orphaned),
            ("No such article here (not imported)", self.no_article),
            ("Refused", self.refused),
            ("Tags not imported", self.term_problems),
            ("New analysts, created inactive", self.new_analysts),
            ("Claims not imported", self.claim_problems),
        ):
            if entries:
                out.append(f"{title}:")
                out.extend(f"  {entry}" for entry in entries)
        return out


def _clip(text: str, length: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- Reading the two file forms ----------------------------------------------------------------------


def read_jsonl(lines: Iterable[str]) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """(where, passage) for each line, or (where, reason) for a line that is not a passage."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            passage = json.loads(line)
        except json.JSONDecodeError as error:
            yield where, f"not JSON ({error.msg} at column {error.colno})"
            continue
        if not isinstance(passage, dict):
            yield where, "not a JSON object"
        elif passage.get("type") == "Annotation" or "@context" in passage:
            yield where, "a W3C Web Annotation; import reads Marginalia's own JSONL export (--format jsonl)"
        else:
            yield where, passage


def read_long_csv(text: io.TextIOBase) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """Passages from the long CSV (one row per tag; rows of one passage are consecutive)."""
    reader = csv.DictReader(text)
    columns = reader.fieldnames or []
    missing = [c for c in ("article_sha256", "prefix", "suffix", "term_id", "role") if c not in columns]
    if missing:
        hint = " This looks like the one-row-per-passage CSV;" if "source_actors" in columns else ""
        raise UnreadableFile(
            f"The CSV has no {', '.join(missing)} column.{hint} Import reads the long CSV "
            f"(export --format csv-long: {', '.join(LONG_CSV_COLUMNS)}) or JSONL."
        )
    current: dict[str, Any] | None = None
    where = ""
    for row in reader:
        line = f"line {reader.line_num}"
        if current is not None and row["span_id"] != current["span_id"]:
            yield where, current
            current = None
        if current is None:
            where = line
            current = {
                "format": JSONL_FORMAT,
                "span_id": row["span_id"],
                "article_sha256": row["article_sha256"],
                "article_title": unneutralise(row["article_title"]),
                "start": row["start"],
                "end": row["end"],
                # Cells were neutralised against formulas on export; the body decides (see _unneutralised).
                "quote": row["quote"],
                "prefix": row["prefix"],
                "suffix": row["suffix"],
                "annotator": unneutralise(row["annotator"]),
                "created_at": row["created_at"],
                "updated_at": row.get("updated_at", ""),
                "terms": [],
                "notes": [],
                "neutralised": True,
            }
        if row["term_id"]:
            current["terms"].append(
                {
                    "id": row["term_id"],
                    "kind": row["term_kind"],
                    "label": unneutralise(row["term_label"]),
                    "code": unneutralise(row["term_code"]),
                    "role": row["role"],
                }
            )
    if current is not None:
        yield where, current


def read_passages(path: Path) -> Iterator[tuple[str, dict[str, Any] | str]]:
    suffix = path.suffix.lower()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        if suffix == ".csv":
            yield from read_long_csv(handle)
        elif suffix in (".jsonl", ".ndjson", ".json"):
            yield from claims_as_passages(read_jsonl(handle))
        else:
            raise UnreadableFile(f"{path.name}: unknown file type “{suffix}”; import reads .jsonl or .csv")


# --- Importing ---------------------------------------------------------------------------------------


def as_in_body(cell: str, body: str, at_offsets: str | None = None) -> str:
    """A CSV cell as the article has it. The export put an apostrophe before a leading =, +, -, @, tab or
    carriage return; a text that really began with that apostrophe is told apart by looking in the body."""
    plain = unneutralise(cell)
    if plain == cell:
        return cell
    for candidate in (cell, plain):
        if candidate == at_offsets:
            return candidate
    if plain not in body and cell in body:
        return cell
    return plain


class Importer:
    def __init__(self) -> None:
        self.report = ImportReport()
        self._articles: dict[str, Article | None] = {}
        self._terms: dict[str, Term | None] = {}
        self._analysts: dict[str, AbstractBaseUser] = {}

    def article(self, sha256: str) -> Article | None:
        if sha256 not in self._articles:
            self._articles[sha256] = Article.objects.filter(sha256=sha256).first()
        return self._articles[sha256]

    def term(self, slug: str) -> Term | None:
        if slug not in self._terms:
            term = Term.objects.filter(slug=slug).first()
            # A merged term's tags go to the survivor (a bounded walk: an old database may hold a loop).
            self._terms[slug] = term.survivor() if term is not None else None
        return self._terms[slug]

    def analyst(self, username: str) -> AbstractBaseUser:
        if username not in self._analysts:
            User = get_user_model()
            user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
            if user is None:
                user = User(**{User.USERNAME_FIELD: username}, is_active=False)
                user.set_unusable_password()
                user.save()
                self.report.new_analysts.append(username)
            self._analysts[username] = user
        return self._analysts[username]

    def unplaced(self, where: str, passage: dict[str, Any], problem: str, into: list[str]) -> None:
        into.append(f"{where}: {problem}")
        self.report.unplaced.append({**passage, "import_problem": problem})
        self.report.not_imported += 1

    def run(self, passages: Iterable[tuple[str, dict[str, Any] | str]]) -> ImportReport:
        for where, passage in passages:
            if isinstance(passage, str):
                self.report.refused.append(f"{where}: {passage}")
                self.report.not_imported += 1
                continue
            problem = self.check(passage)
            if problem:
                self.unplaced(where, passage, problem, self.report.refused)
                continue
            self.place(where, passage)
        return self.report

    @staticmethod
    def check(passage: dict[str, Any]) -> str:
        missing = [key for key in REQUIRED if passage.get(key) in (None, "")]
        if missing:
            return f"no {', '.join(missing)}"
        try:
            int(passage["start"]), int(passage["end"])
        except (TypeError, ValueError):
            return f"start and end must be numbers, not {passage['start']!r} and {passage['end']!r}"
        return ""

    def place(self, where: str, passage: dict[str, Any]) -> None:
        sha256, start, end = passage["article_sha256"], int(passage["start"]), int(passage["end"])
        quote = str(passage["quote"])
        article = self.article(sha256)
        label = f"“{_clip(unneutralise(quote))}”"
        if article is None:
            title = passage.get("article_title") or "untitled"
            self.unplaced(
                where,
                passage,
                f"{label}: no article with sha256 {sha256} (“{_clip(title)}”)",
                self.report.no_article,
            )
            return
        body = article.body
        prefix, suffix = str(passage.get("prefix") or ""), str(passage.get("suffix") or "")
        if passage.get("neutralised"):  # from the CSV: undo the formula guard
            quote = as_in_body(quote, body, body[start:end] if 0 <= start < end <= len(body) else None)
            prefix, suffix = as_in_body(prefix, body), as_in_body(suffix, body)
        anchor = reanchor(body, quote, prefix, suffix, start, end)
        if anchor.status == "orphaned":
            self.unplaced(
                where,
                passage,
                f"{label} is no longer in article {article.pk} “{_clip(article.title)}” "
                f"(was at {start}–{end})",
                self.report.orphaned,
            )
            return
        if anchor.status == "moved":
            self.report.moved.append(
                f"{where}: {label} in article {article.pk} moved {start}–{end} → {anchor.start}–{anchor.end}"
            )
            prefix = body[max(0, anchor.start - PREFIX_LENGTH) : anchor.start]
            suffix = body[anchor.end : anchor.end + PREFIX_LENGTH]
        try:
            with transaction.atomic():
                self.save(where, passage, article, anchor.start, anchor.end, quote, prefix, suffix)
        except (DatabaseError, ValueError, TypeError) as error:
            self.unplaced(where, passage, f"{label} could not be saved: {error}", self.report.refused)

    def save(
        self,
        where: str,
        passage: dict[str, Any],
        article: Article,
        start: int,
        end: int,
        quote: str,
        prefix: str,
        suffix: str,
    ) -> None:
        analyst = self.analyst(str(passage["annotator"]))
        span = (
            Span.objects.live()
            .filter(article=article, start=start, end=end, created_by=analyst, quote=quote)
            .first()
        )
        if span is None:
            created = _moment(passage.get("created_at")) or timezone.now()
            span = Span.objects.create(
                article=article,
                start=start,
                end=end,
                quote=quote,
                prefix=prefix,
                suffix=suffix,
                created_by=analyst,
                created_at=created,
                updated_at=_moment(passage.get("updated_at")) or created,
                version=int(passage.get("version") or 1),
            )
            record(
                None,
                "create",
                span,
                f"Imported passage “{_clip(quote)}” by {analyst.get_username()}",
                after={"start": start, "end": end, "quote": quote},
                article_id=article.pk,
                span_id=span.pk,
            )
            self.report.created += 1
        else:
            self.report.already_there += 1
        for entry in passage.get("terms") or []:
            self.add_tag(where, span, analyst, entry)
        for entry in passage.get("notes") or []:
            self.add_note(span, entry)
        ClaimImport(self, where, span, shift=start - int(passage["start"])).run(passage.get("claims") or [])

    def add_tag(self, where: str, span: Span, analyst: AbstractBaseUser, entry: dict[str, Any]) -> None:
        slug, role = str(entry.get("id", "")), str(entry.get("role", ""))
        term = self.term(slug)
        if term is None:
            self.report.term_problems.append(
                f"{where}: no term with id “{slug}” ({entry.get('label', '')}); "
                "the passage was imported without it"
            )
            return
        if role not in Tag.roles_for(term.kind):
            self.report.term_problems.append(
                f"{where}: “{role}” is not a role for {term.kind} “{term.label}”; that tag was not imported"
            )
            return
        tag, made = Tag.objects.get_or_create(
            span=span, term=term, role=role, defaults={"created_by": analyst, "created_at": span.created_at}
        )
        if made:
            record(
                None,
                "create",
                tag,
                f"Imported tag {term.label} as {role}",
                article_id=span.article_id,
                span_id=span.pk,
            )
            self.report.tags_added += 1

    def add_note(self, span: Span, entry: dict[str, Any]) -> None:
        text = str(entry.get("text", ""))
        if not text:
            return
        author = self.analyst(str(entry.get("author") or span.created_by.get_username()))
        if Note.objects.live().filter(span=span, author=author, text=text).exists():
            return
        created = _moment(entry.get("created_at")) or timezone.now()
        note = Note.objects.create(
            article_id=span.article_id,
            span=span,
            author=author,
            text=text,
            created_at=created,
            updated_at=_moment(entry.get("updated_at")) or created,
        )
        record(
            None,
            "create",
            note,
            f"Imported note “{_clip(text)}”",
            article_id=span.article_id,
            span_id=span.pk,
        )
        self.report.notes_added += 1


def import_passages(path: Path, *, dry_run: bool = False) -> ImportReport:
    """Import a JSONL or long-CSV export. With dry_run, report what would happen and change nothing."""
    importer = Importer()
    if not dry_run:
        return importer.run(read_passages(path))
    with transaction.atomic():
        report = importer.run(read_passages(path))
        transaction.set_rollback(True)
    return report


def write_orphans(report: ImportReport, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for passage in report.unplaced:
            out.write(json.dumps(passage, ensure_ascii=False) + "\n")
