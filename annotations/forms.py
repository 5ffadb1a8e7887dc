"""Forms of the Vocabulary screens: term, alias, merge, import, and the list's filter."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from annotations.folding import fold
from annotations.models import Change, Term
from ops.inputs import parse_id

MAX_VOCABULARY_UPLOAD = 5 * 1024 * 1024


class TermChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, term: Term) -> str:
        return f"{term.label} [{term.code}]" if term.code else term.label


class VocabularyFilterForm(forms.Form):
    """The list's search and filters, read from GET so a filtered view can be bookmarked."""

    q = forms.CharField(required=False, label="Search names")
    kind = forms.ChoiceField(required=False, choices=[("", "Actors and events"), *Term.Kind.choices])
    actor_type = forms.ChoiceField(required=False, choices=[("", "Any actor type"), *Term.ActorType.choices])
    retired = forms.BooleanField(required=False, label="Show retired")

    def terms(self, viewer=None):
        """The terms listed, each with its usage (the tags `viewer` may see: independent coding)."""
        data = self.cleaned_data if self.is_valid() else {}
        terms = Term.objects.all() if data.get("retired") else Term.objects.active()
        terms = terms.of_kind(data.get("kind")).of_actor_type(data.get("actor_type"))
        if fold(data.get("q", "")):
            terms = terms.matching(data["q"]).order_by("kind", "match_rank", "label", "pk")
        return terms.with_usage(viewer).select_related("parent").prefetch_related("aliases")


class TermForm(forms.Form):
    """Add a term (with its first aliases) or edit one (kind and id stay as they are)."""

    kind = forms.ChoiceField(choices=Term.Kind.choices, initial=Term.Kind.ACTOR)
    label = forms.CharField(max_length=200, help_text="The preferred name, e.g. Qasem Soleimani.")
    slug = forms.SlugField(
        max_length=100,
        required=False,
        label="Id",
        help_text="Stable id used in exports, e.g. qasem-soleimani. Leave blank to make one from the label.",
    )
    actor_type = forms.ChoiceField(
        required=False, choices=[("", "—"), *Term.ActorType.choices], help_text="Actors only."
    )
    country = forms.CharField(required=False, max_length=3, help_text="ISO 3166-1 alpha-3, e.g. IRN.")
    code = forms.CharField(required=False, max_length=100, help_text="CAMEO/PLOVER-style code, e.g. IRNMIL.")
    parent = TermChoiceField(queryset=Term.objects.none(), required=False, help_text="Same kind.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    aliases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Other names, one per line. The label is added as an alias anyway.",
    )
    aliases_shared = forms.BooleanField(
        required=False, label="Names another term already has are shared names (they refer to several terms)"
    )

    def __init__(self, *args, term: Term | None = None, **kwargs) -> None:
        self.term = term
        if term is not None:
            kwargs.setdefault("initial", {**term.snapshot(), "parent": term.parent_id})
        super().__init__(*args, **kwargs)
        parents = Term.objects.active().order_by("kind", "label")
        if term is not None:
            parents = parents.filter(kind=term.kind).exclude(pk__in=term.descendant_ids())
            self.fields["kind"].disabled = True
            self.fields["slug"].disabled = True
            del self.fields["aliases"], self.fields["aliases_shared"]
        self.fields["parent"].queryset = parents
        # Grouped by kind, so the analyst sees which parents fit (vocabulary.js hides the other group).
        label = self.fields["parent"].label_from_instance
        groups = {kind: [] for kind in Term.Kind.values}
        for parent in parents:
            groups[parent.kind].append((parent.pk, label(parent)))
        self.fields["parent"].choices = [("", "—")] + [
            (f"{Term.Kind(kind).label}s", choices) for kind, choices in groups.items() if choices
        ]

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if country and not country.isalpha():
            raise ValidationError("A country is a three-letter code such as IRN or USA.")
        return country

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if self.term is not None:
            return self.term.slug
        taken = Term.objects.filter(slug=slug).first() if slug else None
        if taken:
            raise ValidationError(f"The id “{slug}” is already used by {taken.label}.")
        return slug

    def clean(self) -> dict:
        data = super().clean()
        kind = self.term.kind if self.term else data.get("kind")
        label = " ".join(data.get("label", "").split())
        if not label:
            return data
        data["label"] = label
        if kind == Term.Kind.EVENT:
            data["actor_type"] = ""
        parent = data.get("parent")
        if parent is not None and parent.kind != kind:
            self.add_error("parent", f"{parent.label} is an {parent.kind}; the parent must be an {kind} too.")
        if self.term is None and not data.get("slug") and "slug" not in self.errors:
            data["slug"] = self.free_slug(label)
            if not data["slug"]:
                self.add_error("slug", "Give an id: the label has no letters an id can use.")
        probe = self.term or Term(kind=kind)
        if fold(label) != probe.label_key and not (self.term and self.term.aliases.filter(key=fold(label))):
            try:
                probe.check_new_alias(label)
            except ValidationError as error:
                self.add_error("label", error)
        if self.term is None:
            names, problems = [], []
            for line in data.get("aliases", "").splitlines():
                if not fold(line) or fold(line) in {fold(n) for n in [label, *names]}:
                    continue
                try:
                    names.append(probe.check_new_alias(line, shared=data.get("aliases_shared", False)))
                except ValidationError as error:
                    problems.extend(error.messages)
            if problems:
                self.add_error("aliases", problems)
            data["alias_names"] = names
        return data

    @staticmethod
    def free_slug(label: str) -> str:
        return Term.free_slug(label) if slugify(label).strip("-") else ""

    def save(self, *, by) -> Term:
        """Create the term (recording it, with its aliases) or apply the edit to it."""
        from annotations.history import record

        data = self.cleaned_data
        values = {
            name: data[name] for name in ("label", "actor_type", "country", "code", "parent", "description")
        }
        if self.term is not None:
            self.term.edit(values, by=by)
            return self.term
        with transaction.atomic():
            term = Term(slug=data["slug"], kind=data["kind"], created_by=by, **values)
            term.full_clean(exclude=["label_key"])
            term.save()
            record(
                by, Change.Action.CREATE, term, f"Added {term.label}", after=term.snapshot(), term_id=term.pk
            )
            term.ensure_label_alias(by=by)
            for name in data["alias_names"]:
                term.add_alias(name, by=by, shared=data.get("aliases_shared", False))
        return term


class AliasForm(forms.Form):
    name = forms.CharField(max_length=200, label="New alias")
    shared = forms.BooleanField(required=False, label="shared name (refers to several terms)")

    def __init__(self, *args, term: Term, **kwargs) -> None:
        self.term = term
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        if "name" in data:
            try:
                data["name"] = self.term.check_new_alias(data["name"], shared=data.get("shared", False))
            except ValidationError as error:
                self.add_error("name", error)
        return data

    def save(self, *, by):
        return self.term.add_alias(self.cleaned_data["name"], by=by, shared=self.cleaned_data["shared"])


class MergeForm(forms.Form):
    survivor = TermChoiceField(
        queryset=Term.objects.none(),
        label="Merge into",
        error_messages={"invalid_choice": "Choose an active term of the same kind to merge into."},
    )
    confirm = forms.BooleanField(
        label="I understand: every tag moves to the chosen term, and this term is retired.",
        error_messages={"required": "Tick the box to confirm the merge."},
    )

    def __init__(self, *args, term: Term, **kwargs) -> None:
        self.term = term
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = Term.objects.active().filter(kind=term.kind).exclude(pk=term.pk)

    def candidates(self, query: str, limit: int) -> list[Term]:
        """The terms this one may merge into whose names match `query`, best match first, each with
        its usage; the term already chosen stays among them."""
        choices = self.fields["survivor"].queryset
        found = list(choices.matching(query).with_usage()[:limit]) if fold(query) else []
        chosen = parse_id(str(self["survivor"].value() or ""))
        if chosen is not None and all(term.pk != chosen for term in found):
            found[:0] = list(choices.filter(pk=chosen).with_usage())
        return found

    def save(self, *, by) -> Term:
        survivor = self.cleaned_data["survivor"]
        self.term.merge_into(survivor, by=by)
        return survivor


class VocabularyImportForm(forms.Form):
    file = forms.FileField(help_text="A .json file in the seed's shape, or a .csv with the columns "
                           "kind, id, label, code, parent, aliases, description.",
                           error_messages={"required": "Choose a .json or .csv file to import.",
                                           "empty": "The file is empty: nothing to import."})  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in {".json", ".csv"}:
            raise ValidationError(f"{upload.name}: use a .json or .csv file.")
        if upload.size > MAX_VOCABULARY_UPLOAD:
            raise ValidationError(f"{upload.name} is larger than 5 MB.")
        return upload
