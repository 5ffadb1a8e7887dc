"""Loading entries into the database: new terms, what existing terms may take from the file, parents,
names, merges and retirements, and the history.

Who loads decides what a load may change (annotations/vocabulary/curation.py): the operator's load
(`load_demo`, `load_vocabulary` without `--user`) follows the three-way rule and never undoes what the
team curated; a team member's load (the Import screen, `load_vocabulary --user NAME`) is that person's
edit, through the Term verbs and their permission checks. Either way a term is never deleted, a file
loaded twice changes nothing the second time, and merge loops are refused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone

from annotations.folding import fold
from annotations.models import Alias, Change, Term
from annotations.permissions import OPERATOR
from annotations.vocabulary.claim_attributes import load_claim_attributes
from annotations.vocabulary.curation import NAMES, Plan, file_values, operator_plan, refusal, team_plan
from annotations.vocabulary.entries import Entry, VocabularyFileError
from annotations.vocabulary.reading import parse_csv, parse_json
from annotations.vocabulary.report import VocabularyReport


def load_vocabulary(path: str | Path, *, user=None) -> VocabularyReport:
    """Load a vocabulary file (.json in the seed's shape, or .csv) into the database.
    `user=None` is the operator at the command line; a user loads as that team member."""
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
    """Applies parsed entries: terms, then parents and edits, names, merges and retirements, history."""

    def __init__(self, entries: list[Entry], report: VocabularyReport, user, filename: str) -> None:
        self.entries, self.report, self.filename = entries, report, filename
        self.user = user if user is not None and user.is_authenticated else None  # created_by, history
        self.actor = OPERATOR if user is None else user  # whom the verbs check
        self.operator = user is None
        self.terms: dict[str, Term] = {}
        self.by_pk: dict[int, Term] = {}
        self.before: dict[str, dict] = {}
        self.created: set[str] = set()
        self.plans: dict[str, Plan] = {}
        self.curated: set[str] = set()
        self.new_aliases: dict[str, list[str]] = defaultdict(list)
        self.linked: list[Term] = []  # terms given a parent, not yet written (write_links)

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
        for entry in list(self.entries):
            self.apply_links(entry)
        self.write_links()
        self.apply_aliases()
        self.apply_curation()
        self.save_baselines()
        self.record_and_count()

    # --- Which entries load, and what each may change ------------------------------------------------

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
            for term in Term.objects.filter(slug__in=slugs).select_related(
                "parent", "merged_into", "created_by"
            )
        }
        self.existing = existing
        self.names = self.names_of(list(existing.values()))
        kept = []
        for entry in valid:
            term = existing.get(entry.slug)
            if term is not None and term.kind != entry.kind:
                self.refuse(entry, f"already in the vocabulary as an {term.kind}; a term cannot change kind")
                continue
            plan = self.plan(entry, term)
            reason = refusal(plan, term, self.actor)
            if reason:
                self.refuse(entry, reason)
                continue
            self.plans[entry.slug] = plan
            kept.append(entry)
        kept = self.without_merge_loops(kept)
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
        return kept

    @staticmethod
    def names_of(terms: list[Term]) -> dict[int, list[str]]:
        names: dict[int, list[str]] = defaultdict(list)
        for ids in chunks([term.pk for term in terms]):
            for term_id, key in (
                Alias.objects.filter(term_id__in=ids).order_by("pk").values_list("term_id", "key")
            ):
                names[term_id].append(key)
        return names

    def plan(self, entry: Entry, term: Term | None) -> Plan:
        if term is None:
            # A new term: everything the file says, including a merge or retirement it records.
            wanted = file_values(entry, {})
            plan = Plan(merge_into=wanted.get("merged_into"))
            if wanted.get("retired") and not plan.merge_into:
                plan.retire = True
            if self.operator:
                plan.baseline = {
                    **wanted,
                    NAMES: [key for _, key in entry.names(with_label=not entry.merged_into)],
                }
            return plan
        names = self.names[term.pk]
        return operator_plan(entry, term, names) if self.operator else team_plan(entry, term, names)

    def without_merge_loops(self, entries: list[Entry]) -> list[Entry]:
        """Refuse an entry whose merged_into leads, through the file and the database, back to itself."""
        in_file = {entry.slug: self.plans[entry.slug].merge_into for entry in entries}
        in_database: dict[str, str | None] = {}

        def target(slug: str) -> str | None:
            if in_file.get(slug):
                return in_file[slug]
            if slug not in in_database:
                row = Term.objects.filter(slug=slug).values_list("merged_into__slug", flat=True).first()
                in_database[slug] = row
            return in_database[slug]

        kept = []
        for entry in entries:
            chain, current = [entry.slug], in_file.get(entry.slug)
            while current and current not in chain:
                chain.append(current)
                current = target(current)
            if current:
                self.refuse(
                    entry,
                    f"merge loop: {' → '.join([*chain, current])}; a term cannot be merged, through others, "
                    "into itself",
                )
            else:
                kept.append(entry)
        return kept

    # --- Applying ------------------------------------------------------------------------------------

    def apply_fields(self, entry: Entry) -> None:
        term = self.existing.get(entry.slug)
        plan = self.plans[entry.slug]
        if term is None:
            term = Term(slug=entry.slug, kind=entry.kind, created_by=self.user, loaded_values=plan.baseline)
            for name, value in file_values(entry, {}).items():
                if name not in {"parent", "retired", "merged_into"}:
                    setattr(term, name, value)
            self.created.add(entry.slug)
        else:
            self.before[entry.slug] = {**term.snapshot(), "mappings": term.mappings}
            if self.operator:
                changed = {name: value for name, value in plan.fields.items() if name != "parent"}
                for name, value in changed.items():
                    setattr(term, name, value)
                if changed:
                    term.loaded_values = plan.baseline
                    term.save()
        self.terms[entry.slug] = term

    def lookup(self, slug: str) -> Term:
        if slug not in self.terms:
            self.terms[slug] = Term.objects.get(slug=slug)
        return self.terms[slug]

    def apply_links(self, entry: Entry) -> None:
        """Parents of new terms and of the operator's loads; a team member's changes through Term.edit."""
        term, plan = self.terms[entry.slug], self.plans[entry.slug]
        if entry.slug in self.created:
            if entry.parent:
                self.link(term, self.lookup(entry.parent))
            return
        if self.operator:
            if "parent" in plan.fields:
                parent = self.lookup(plan.fields["parent"]) if plan.fields["parent"] else None
                if parent is not None and self.makes_loop(term, parent):
                    self.refuse(entry, f"parent “{entry.parent}” is below this term; that would be a loop")
                else:
                    self.link(term, parent)
            return
        if not plan.fields:
            return
        values = dict(plan.fields)
        if "parent" in values:
            values["parent"] = self.lookup(values["parent"]) if values["parent"] else None
        self.write_links()  # the edit checks the tree as stored
        try:
            with transaction.atomic():
                term.edit(values, by=self.actor)
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            self.refuse(entry, " ".join(messages))
            self.entries.remove(entry)
            term.refresh_from_db()

    def link(self, term: Term, parent: Term | None) -> None:
        """Give a term its parent in memory (where the loop checks walk the tree); written by write_links."""
        term.parent = parent
        self.linked.append(term)

    def write_links(self) -> None:
        """The parents given so far, in one UPDATE and one bump of the vocabulary's version: one save
        per term was a fifth of a load's time."""
        if self.linked:
            now = timezone.now()
            for term in self.linked:
                term.updated_at = now
            Term.objects.bulk_update(self.linked, ["parent", "updated_at"])
            self.linked = []

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
        listed: dict[tuple[str, str], list[Entry]] = defaultdict(list)  # by the file, for the report
        for entry in self.entries:
            blocked = self.plans[entry.slug].blocked_names
            # A merged term's label already lives on as an alias of the term it was merged into.
            for name, key in entry.names(with_label=not entry.merged_into):
                listed[(entry.kind, key)].append(entry)
                if key in blocked:
                    continue
                if len(name) > 200:
                    self.refuse(entry, f"alias “{name[:40]}…” is longer than 200 characters")
                else:
                    wanted.append((entry, name, key))
                    holders[(entry.kind, key)].append(entry)
        # Names a term already has need nothing; only the others are looked up (a reload looks up none).
        has = {entry.slug: set(self.names.get(self.terms[entry.slug].pk, ())) for entry in self.entries}
        wanted = [(entry, name, key) for entry, name, key in wanted if key not in has[entry.slug]]
        in_database: dict[tuple[str, str], list[Alias]] = defaultdict(list)
        keys = {key for _, _, key in wanted}
        for some_keys in chunks(sorted(keys)):
            aliases = (
                Alias.objects.filter(key__in=some_keys)
                .select_related("term")
                .only("term_id", "name", "key", "kind", "shared", "term__slug", "term__label")
                .order_by("pk")
            )
            for alias in aliases:
                in_database[(alias.kind, alias.key)].append(alias)

        for (_, key), entries in listed.items():
            if len(entries) > 1:
                name = next(n for n, k in entries[0].names() if k == key)
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

    def apply_curation(self) -> None:
        """Merges (each before the merge of the term it goes into, so a chain in the file holds), then
        retirements, through the verbs: tags move, history is written, and the verbs refuse what they
        refuse everywhere (a merge into a retired term, bringing back a merged one)."""
        merging = [entry for entry in self.entries if self.plans[entry.slug].merge_into]
        in_file = {entry.slug: self.plans[entry.slug].merge_into for entry in merging}

        def depth(slug: str) -> int:
            steps, current = 0, slug
            while current in in_file and steps <= len(in_file):
                current, steps = in_file[current], steps + 1
            return steps

        for entry in sorted(merging, key=lambda entry: -depth(entry.slug)):
            term, survivor = self.terms[entry.slug], self.lookup(in_file[entry.slug])
            self.curate(entry, lambda term=term, survivor=survivor: term.merge_into(survivor, by=self.actor))
        for entry in self.entries:
            retire, term = self.plans[entry.slug].retire, self.terms[entry.slug]
            if retire is not None:
                verb = term.retire if retire else term.unretire
                self.curate(entry, lambda verb=verb: verb(by=self.actor))

    def curate(self, entry: Entry, action: Callable[[], None]) -> None:
        try:
            with transaction.atomic():
                action()
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            self.refuse(entry, " ".join(messages))
            self.terms[entry.slug].refresh_from_db()
        else:
            self.curated.add(entry.slug)

    def save_baselines(self) -> None:
        """The operator's load remembers what its file said (curation.py's base for the next load)."""
        if not self.operator:
            return
        changed = []
        for entry in self.entries:
            term = self.terms[entry.slug]
            baseline = self.plans[entry.slug].baseline
            if entry.slug not in self.created and term.loaded_values != baseline:
                term.loaded_values = baseline
                changed.append(term)
        Term.objects.bulk_update(changed, ["loaded_values"], batch_size=1000)

    def record_and_count(self) -> None:
        """Count, and write one Change per created or updated term (in bulk: a file may hold thousands).
        A team member's edits, and every merge and retirement, were recorded by the verbs."""
        changes = []

        def record(action, term, summary, *, before=None, after=None) -> None:
            changes.append(
                Change(
                    actor=self.user,
                    action=action,
                    object_type="term",
                    object_id=term.pk,
                    summary=summary[:500],
                    before=before,
                    after=after,
                    term_id=term.pk,
                )  # fmt: skip
            )

        for entry in self.entries:
            term = self.terms[entry.slug]
            plan = self.plans[entry.slug]
            if entry.kind == Term.Kind.ACTOR:
                self.report.actors += 1
            else:
                self.report.events += 1
            aliases = self.new_aliases.get(entry.slug, [])
            if entry.slug in self.created:
                self.report.created += 1
                record(
                    Change.Action.CREATE,
                    term,
                    f"Loaded {term.label} from {self.filename}",
                    after={**term.snapshot(), "aliases": aliases},
                )
                continue
            before = self.before[entry.slug]
            after = {**term.snapshot(), "mappings": term.mappings}
            changed = [key for key in after if after[key] != before[key]]
            if plan.kept:
                self.report.kept.append(
                    f"{term.label} (id “{term.slug}”): kept as the team left it: {'; '.join(plan.kept)}"
                )
            if not changed and not aliases and entry.slug not in self.curated:
                self.report.unchanged += 1
                continue
            self.report.updated += 1
            recorded = changed if self.operator else []
            if not recorded and not aliases:
                continue
            what = ", ".join(recorded + ([f"aliases {', '.join(aliases)}"] if aliases else []))
            record(
                Change.Action.UPDATE,
                term,
                f"Updated {term.label} from {self.filename}: {what}",
                before={key: before[key] for key in recorded},
                after={
                    **{key: after[key] for key in recorded},
                    **({"aliases_added": aliases} if aliases else {}),
                },
            )
        Change.objects.bulk_create(changes, batch_size=1000)
