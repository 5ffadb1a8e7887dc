"""Loading entries into the database: creating and updating terms, parents, aliases and history.

Loading is idempotent: a file loaded twice changes nothing, an updated file updates labels, codes,
parents and adds aliases, and no term is ever deleted.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone

from annotations.folding import fold
from annotations.models import Alias, Change, Term
from annotations.vocabulary.claim_attributes import load_claim_attributes
from annotations.vocabulary.entries import SPELLINGS, Entry, VocabularyFileError
from annotations.vocabulary.reading import parse_csv, parse_json
from annotations.vocabulary.report import VocabularyReport


def load_vocabulary(path: str | Path, *, user=None) -> VocabularyReport:
    """Load a vocabulary file (.json in the seed's shape, or .csv) into the database."""
    path = Path(path)
    return load_vocabulary_bytes(path.read_bytes(), filename=path.name, user=user)


def load_vocabulary_bytes(data: bytes, *, filename: str, user=None) -> VocabularyReport:
    """Load from the bytes of a file; the format comes from the file name's extension."""
    report = VocabularyReport()
    try:
        text = data.decode("utf-8-sig")
        suffix = Path(filename).suffix.lower()
        if suffix == ".json":
            entries = parse_json(text, report)
        elif suffix == ".csv":
            entries = parse_csv(text, report)
        else:
            raise VocabularyFileError(
                f"{filename}: unknown format “{suffix or 'no extension'}”; use .json or .csv"
            )
    except UnicodeDecodeError:
        report.errors.append(f"{filename}: not UTF-8 text")
        return report
    except VocabularyFileError as error:
        report.errors.append(str(error))
        return report
    with transaction.atomic():
        _Loader(entries, report, user, filename).run()
        if report.claim_attributes is not None:
            load_claim_attributes(report.claim_attributes, report)
    return report


def chunks(values: list, size: int = 2000) -> list[list]:
    """Keep IN lists well under the databases' limits on query parameters."""
    return [values[i : i + size] for i in range(0, len(values), size)]


class _Loader:
    """Applies parsed entries to the database: terms first, then parents, then aliases."""

    def __init__(self, entries: list[Entry], report: VocabularyReport, user, filename: str) -> None:
        self.entries, self.report, self.user, self.filename = entries, report, user, filename
        self.terms: dict[str, Term] = {}
        self.by_pk: dict[int, Term] = {}
        self.before: dict[str, dict] = {}
        self.created: set[str] = set()
        self.new_aliases: dict[str, list[str]] = defaultdict(list)

    def refuse(self, entry: Entry, reason: str) -> None:
        self.report.errors.append(f"{entry.name}: {reason}")

    def run(self) -> None:
        self.entries = self.valid_entries()
        for entry in self.entries:
            self.apply_fields(entry)
        # bulk_create skips Term.save, which sets label_key.
        new_terms = [self.terms[entry.slug] for entry in self.entries if entry.slug in self.created]
        for term in new_terms:
            term.label_key = fold(term.label)
        Term.objects.bulk_create(new_terms, batch_size=1000)
        self.by_pk = {term.pk: term for term in self.terms.values()}
        for entry in self.entries:
            self.apply_links(entry)
        self.apply_aliases()
        self.record_and_count()

    def valid_entries(self) -> list[Entry]:
        seen, valid = set(), []
        for entry in self.entries:
            if not entry.slug:
                self.refuse(entry, "missing id")
            elif not entry.label:
                self.refuse(entry, "missing label")
            elif entry.slug in seen:
                self.refuse(entry, "the same id appears earlier in the file")
            else:
                try:
                    validate_slug(entry.slug)
                except ValidationError:
                    self.refuse(entry, "an id may only hold letters, digits, hyphens and underscores")
                    continue
                if len(entry.country) > 3:
                    self.refuse(entry, f"country “{entry.country}” is not a three-letter code")
                    continue
                seen.add(entry.slug)
                valid.append(entry)
        existing = {
            term.slug: term
            for slugs in chunks([entry.slug for entry in valid])
            for term in Term.objects.filter(slug__in=slugs).select_related("parent")
        }
        kept = []
        for entry in valid:
            term = existing.get(entry.slug)
            if term is not None and term.kind != entry.kind:
                self.refuse(entry, f"already in the vocabulary as an {term.kind}; a term cannot change kind")
                continue
            kept.append(entry)
        # A parent must exist in the file or the database and be of the same kind; refusing one
        # entry can orphan another, so repeat until nothing changes.
        wanted = {entry.parent for entry in kept if entry.parent} | {
            e.merged_into for e in kept if e.merged_into
        }
        in_database = {
            slug: kind
            for slugs in chunks(sorted(wanted))
            for slug, kind in Term.objects.filter(slug__in=slugs).values_list("slug", "kind")
        }
        while True:
            kinds = {**in_database, **{entry.slug: entry.kind for entry in kept}}
            still = []
            for entry in kept:
                for link, what in ((entry.parent, "parent"), (entry.merged_into, "merged_into")):
                    if link and link not in kinds:
                        self.refuse(entry, f"unknown {what} “{link}”")
                        break
                    if link and kinds[link] != entry.kind:
                        self.refuse(entry, f"{what} “{link}” is an {kinds[link]}, not an {entry.kind}")
                        break
                    if link == entry.slug:
                        self.refuse(entry, f"a term cannot be its own {what}")
                        break
                else:
                    still.append(entry)
            if len(still) == len(kept):
                break
            kept = still
        self.existing = existing
        return kept

    def apply_fields(self, entry: Entry) -> None:
        term = self.existing.get(entry.slug)
        if term is None:
            term = Term(slug=entry.slug, kind=entry.kind, created_by=self.user)
            self.created.add(entry.slug)
        else:
            self.before[entry.slug] = {
                **term.snapshot(),
                "mappings": term.mappings,
                "retired": term.is_retired,
            }
        term.label = entry.label
        for name in ("actor_type", "country", "code", "description", "mappings"):
            if name in entry.present:
                setattr(term, name, getattr(entry, name))
        # Aliases are unique per term once folded, so "Khamene'i" beside "Khamenei" cannot be an alias
        # of its own; the spelling is kept in the mappings and exported among the aliases again.
        spellings = entry.folded_repeats()
        mappings = {key: value for key, value in (term.mappings or {}).items() if key != SPELLINGS}
        term.mappings = {**mappings, SPELLINGS: spellings} if spellings else mappings
        if "retired" in entry.present:
            if entry.retired and term.retired_at is None:
                term.retired_at = timezone.now()
            elif not entry.retired:
                term.retired_at = None
        if term.pk is not None and self.fields_changed(term, entry.slug):
            term.save()
        self.terms[entry.slug] = term

    def fields_changed(self, term: Term, slug: str) -> bool:
        before = self.before[slug]
        after = {**term.snapshot(), "mappings": term.mappings, "retired": term.is_retired}
        return any(after[key] != before[key] for key in after if key != "parent")

    def lookup(self, slug: str) -> Term:
        if slug not in self.terms:
            self.terms[slug] = Term.objects.get(slug=slug)
        return self.terms[slug]

    def apply_links(self, entry: Entry) -> None:
        term = self.terms[entry.slug]
        update = []
        if "parent" in entry.present:
            parent = self.lookup(entry.parent) if entry.parent else None
            if parent is not None and self.makes_loop(term, parent):
                self.refuse(entry, f"parent “{entry.parent}” is below this term; that would be a loop")
            elif term.parent_id != (parent.pk if parent else None):
                term.parent = parent
                update.append("parent")
        if entry.merged_into:
            survivor = self.lookup(entry.merged_into)
            if term.merged_into_id != survivor.pk:
                term.merged_into = survivor
                update.append("merged_into")
        if update:
            term.save(update_fields=[*update, "updated_at"])

    def makes_loop(self, term: Term, parent: Term) -> bool:
        seen, current = set(), parent
        while current is not None and current.pk not in seen:
            if current.pk == term.pk:
                return True
            seen.add(current.pk)
            current = self.lookup_by_pk(current.parent_id)
        return False

    def lookup_by_pk(self, pk: int | None) -> Term | None:
        if pk is None:
            return None
        if pk not in self.by_pk:
            self.by_pk[pk] = Term.objects.get(pk=pk)
        return self.by_pk[pk]

    def apply_aliases(self) -> None:
        # Each entry's names in file order, its label included, without repeats.
        wanted: list[tuple[Entry, str, str]] = []
        holders: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for entry in self.entries:
            # A merged term's label already lives on as an alias of the term it was merged into.
            for name, key in entry.names(with_label=not entry.merged_into):
                if len(name) > 200:
                    self.refuse(entry, f"alias “{name[:40]}…” is longer than 200 characters")
                else:
                    wanted.append((entry, name, key))
                    holders[(entry.kind, key)].append(entry)
        in_database: dict[tuple[str, str], list[Alias]] = defaultdict(list)
        keys = {key for _, _, key in wanted}
        for some_keys in chunks(sorted(keys)):
            for alias in Alias.objects.filter(key__in=some_keys).select_related("term").order_by("pk"):
                in_database[(alias.kind, alias.key)].append(alias)

        for (kind, key), entries in holders.items():
            if len(entries) > 1:
                name = next(n for e, n, k in wanted if k == key and e.kind == kind)
                self.report.shared_names[name] = [entry.label for entry in entries]

        to_create = []
        for entry, name, key in wanted:
            term = self.terms[entry.slug]
            existing = in_database[(entry.kind, key)]
            if any(alias.term_id == term.pk for alias in existing):
                continue
            listed_on_several = len(holders[(entry.kind, key)]) > 1
            outsiders = [
                alias
                for alias in existing
                if alias.term.slug not in {e.slug for e in holders[(entry.kind, key)]}
            ]
            if any(not alias.shared for alias in outsiders) and not listed_on_several:
                labels = ", ".join(sorted({alias.term.label for alias in outsiders}))
                self.refuse(entry, f"alias “{name}” is already an alias of {labels}")
                continue
            shared = listed_on_several or bool(existing)
            for alias in existing:
                if shared and not alias.shared:
                    alias.shared = True
                    alias.save(update_fields=["shared"])
                    self.new_aliases[alias.term.slug].append(f"{alias.name} (now shared)")
            alias = Alias(term=term, name=name, key=key, kind=entry.kind, shared=shared)
            to_create.append(alias)
            existing.append(alias)
            self.new_aliases[entry.slug].append(name)
        # bulk_create skips Alias.save, so key and kind are set above; file order is kept.
        Alias.objects.bulk_create(to_create)
        self.report.aliases_added += len(to_create)

    def record_and_count(self) -> None:
        """Count, and write one Change per created or updated term (in bulk: a file may hold thousands)."""
        changes = []

        def record(actor, action, term, summary, *, before=None, after=None, term_id=None) -> None:
            actor = actor if actor is not None and actor.is_authenticated else None
            changes.append(
                Change(
                    actor=actor,
                    action=action,
                    object_type="term",
                    object_id=term.pk,
                    summary=summary[:500],
                    before=before,
                    after=after,
                    term_id=term_id,
                )  # fmt: skip
            )

        for entry in self.entries:
            term = self.terms[entry.slug]
            if entry.kind == Term.Kind.ACTOR:
                self.report.actors += 1
            else:
                self.report.events += 1
            aliases = self.new_aliases.get(entry.slug, [])
            if entry.slug in self.created:
                self.report.created += 1
                record(
                    self.user,
                    Change.Action.CREATE,
                    term,
                    f"Loaded {term.label} from {self.filename}",
                    after={**term.snapshot(), "aliases": aliases},
                    term_id=term.pk,
                )
                continue
            before = self.before[entry.slug]
            after = {**term.snapshot(), "mappings": term.mappings, "retired": term.is_retired}
            changed = [key for key in after if after[key] != before[key]]
            if not changed and not aliases:
                self.report.unchanged += 1
                continue
            self.report.updated += 1
            what = ", ".join(changed + ([f"aliases {', '.join(aliases)}"] if aliases else []))
            record(
                self.user,
                Change.Action.UPDATE,
                term,
                f"Updated {term.label} from {self.filename}: {what}",
                before={key: before[key] for key in changed},
                after={
                    **{key: after[key] for key in changed},
                    **({"aliases_added": aliases} if aliases else {}),
                },
                term_id=term.pk,
            )
        Change.objects.bulk_create(changes, batch_size=1000)
