"""The filter of the Annotations screen: which passages make up the annotated set.

One form validates the query string (the screen's GET form, a saved set's stored query, the export
command's options); `filter_spans` turns valid parameters into a QuerySet of live spans.

Parameters (AND across parameters; a repeated parameter matches any of its values):
  article         article id
  source          source id or name (case-insensitive)
  published_from  YYYY-MM-DD, article.published >= (inclusive)
  published_to    YYYY-MM-DD, article.published <= (inclusive)
  term            term slug, repeatable; includes narrower terms (irgc finds quds-force)
  role            source | agent | target | mentioned | event
  kind            actor | event: spans having a tag of that kind
  analyst         username, repeatable; "me" means the analyst asking
  created_from    YYYY-MM-DD, the span's creation date >= (inclusive)
  created_to      YYYY-MM-DD, the span's creation date <= (inclusive)
  q               text found in the quote or in a live note on the span (case-insensitive)
  coding          adjudicated: only the leads' adjudicated passages; analysts: only the analysts' own
                  (without adjudicated copies); empty: every coding
  sort            created | updated | article | published | analyst, "-" prefix for descending
  view            passages (the default) | claims: the Claims view, whose form (ClaimFilterForm in
                  annotations/filters_claims.py) adds the claim parameters; `filter_form_for` picks the form

term, role and kind constrain the same tag: `term=irgc&role=agent` finds passages where the IRGC
(or a part of it) is the agent, not passages that mention the IRGC and have some other agent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict

from annotations.models import Note, Span, Tag, Term
from corpus.models import Article, Source
from ops.estimates import estimated_share
from ops.inputs import parse_id

FILTER_PARAMS: tuple[str, ...] = (
    "article",
    "source",
    "published_from",
    "published_to",
    "term",
    "role",
    "kind",
    "analyst",
    "created_from",
    "created_to",
    "q",
    "coding",
)
MULTI_VALUED = frozenset({"term", "analyst"})
ME = "me"
VIEWS = {"passages": "Passages", "claims": "Claims"}
# Parameters of the Claims view only (see annotations/filters_claims.py); the passages view refuses them
# rather than ignoring them, so a hand-written URL never shows more than it says.
CLAIM_PARAMS: tuple[str, ...] = (
    "speaker",
    "speaker_role",
    "attribution",
    "claim_type",
    "stance",
    "target",
    "certainty",
    "modality",
    "evidence",
    "contested",
)

# A text in at least this share of the passages' quotes (the database's estimate) counts as common.
COMMON_TEXT = 0.05
# sort value -> ordering; pk last so pages never shuffle rows with equal keys.
SORTS: dict[str, tuple[str, ...]] = {
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "updated": ("updated_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
    "article": ("article__title", "article_id", "start", "pk"),
    "-article": ("-article__title", "-article_id", "start", "pk"),
    "published": ("article__published", "article_id", "start", "pk"),
    "-published": ("-article__published", "-article_id", "start", "pk"),
    "analyst": ("created_by__username", "-created_at", "-pk"),
    "-analyst": ("-created_by__username", "-created_at", "-pk"),
}
SORT_LABELS = {
    "-created": "Newest first",
    "created": "Oldest first",
    "-updated": "Recently updated",
    "updated": "Least recently updated",
    "article": "Article title A–Z",
    "-article": "Article title Z–A",
    "-published": "Published, newest",
    "published": "Published, oldest",
    "analyst": "Analyst A–Z",
    "-analyst": "Analyst Z–A",
}


class InvalidFilter(ValueError):
    """The parameters do not make a filter. `errors` maps parameter -> messages; str() says all."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = {name: list(messages) for name, messages in errors.items()}
        super().__init__(" ".join(f"{name}: {' '.join(messages)}" for name, messages in self.errors.items()))


class ValuesField(forms.Field):
    """A repeatable query parameter: the list of its non-blank values."""

    widget = forms.SelectMultiple

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(item).strip() for item in value if str(item).strip()]


DATE_ERRORS = {"invalid": "Enter a date as YYYY-MM-DD."}


# Parameters passages and claims read alike, as (form field, lookup on the record).
SHARED_LOOKUPS = (
    ("article", "article"),
    ("source", "article__source"),
    ("published_from", "article__published__gte"),
    ("published_to", "article__published__lte"),
    ("analyst", "created_by__in"),
    ("created_from", "created_at__date__gte"),
    ("created_to", "created_at__date__lte"),
)


class SpanFilterForm(forms.Form):
    """The filter of the passages view. Subclasses (ClaimFilterForm) add parameters and set `VIEW`."""

    VIEW = "passages"
    params: tuple[str, ...] = FILTER_PARAMS
    multi_valued: frozenset[str] = MULTI_VALUED

    view = forms.ChoiceField(
        required=False,
        choices=[("", "Passages"), *VIEWS.items()],
        error_messages={"invalid_choice": "“%(value)s” is not a view; use passages or claims."},
    )
    article = forms.CharField(required=False)
    source = forms.CharField(required=False)
    published_from = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    published_to = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    term = ValuesField(required=False)
    role = forms.ChoiceField(
        required=False,
        choices=[("", "Any role"), *Tag.Role.choices],
        error_messages={
            "invalid_choice": "“%(value)s” is not a role; use source, agent, target, mentioned or event."
        },
    )
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "Actors or events"), *Term.Kind.choices],
        error_messages={"invalid_choice": "“%(value)s” is not a term kind; use actor or event."},
    )
    analyst = ValuesField(required=False)
    created_from = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    created_to = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    q = forms.CharField(required=False, max_length=500, strip=True, label="Text in quote or notes")
    coding = forms.ChoiceField(
        required=False,
        choices=[("", "Every coding"), ("adjudicated", "Adjudicated only"), ("analysts", "Analysts' own")],
        error_messages={"invalid_choice": "“%(value)s” is not a coding; use adjudicated or analysts."},
    )
    sort = forms.ChoiceField(
        required=False,
        label="Order",
        choices=[("", "Default order"), *SORT_LABELS.items()],
        error_messages={
            "invalid_choice": "“%(value)s” is not a sort order; use created, updated, article, published "
            "or analyst (with - to reverse)."
        },
    )

    def __init__(
        self, params: Mapping[str, Any] | None = None, *, user: AbstractBaseUser | None = None
    ) -> None:
        self.user = user
        super().__init__(as_querydict(params) if params is not None else None)

    # Each clean_<param> turns what was typed into the object it names, or says why it can't.

    def clean_article(self) -> Article | None:
        value = self.cleaned_data["article"].strip()
        if not value:
            return None
        if parse_id(value) is None:
            raise forms.ValidationError(f"Article must be an article id (a number), not “{value}”.")
        article = Article.objects.filter(pk=parse_id(value)).only("pk", "title").first()
        if article is None:
            raise forms.ValidationError(f"There is no article with id {value}.")
        return article

    def clean_source(self) -> Source | None:
        value = self.cleaned_data["source"].strip()
        if not value:
            return None
        source = Source.objects.filter(pk=parse_id(value)).first() if parse_id(value) else None
        source = source or Source.objects.filter(name__iexact=value).first()
        if source is None:
            raise forms.ValidationError(f"There is no source “{value}”.")
        return source

    def clean_term(self) -> list[Term]:
        slugs = self.cleaned_data["term"]
        terms = {term.slug: term for term in Term.objects.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in terms]
        if unknown:
            raise forms.ValidationError(
                "No term with id " + ", ".join(f"“{slug}”" for slug in unknown) + " in the vocabulary."
            )
        return [terms[slug] for slug in dict.fromkeys(slugs)]

    def clean_analyst(self) -> list[AbstractBaseUser]:
        names = self.cleaned_data["analyst"]
        if ME in names and (self.user is None or not self.user.is_authenticated):
            raise forms.ValidationError("“me” needs a logged-in analyst; give a username instead.")
        wanted = [self.user.get_username() if name == ME else name for name in names]
        User = get_user_model()
        found = {u.get_username(): u for u in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": wanted})}
        unknown = [name for name in wanted if name not in found]
        if unknown:
            raise forms.ValidationError("No analyst called " + ", ".join(f"“{n}”" for n in unknown) + ".")
        return [found[name] for name in dict.fromkeys(wanted)]

    def labelled_errors(self) -> list[tuple[str, list[str]]]:
        """The errors under the labels the screen shows ("Published to", not published_to); a parameter
        that is no field of this form keeps its own name."""
        return [
            (self[name].label if name in self.fields else name, list(errors))
            for name, errors in self.errors.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for start, end, what in (
            ("published_from", "published_to", "published"),
            ("created_from", "created_to", "created"),
        ):
            low, high = data.get(start), data.get(end)
            if isinstance(low, date) and isinstance(high, date) and low > high:
                self.add_error(end, f"The {what} range ends ({high}) before it starts ({low}).")
        if self.VIEW == "passages":
            for name in CLAIM_PARAMS:
                if any(value.strip() for value in self.data.getlist(name)):
                    # Not a field of this form, so add_error() would refuse it: filed under its own name.
                    self._errors[name] = self.error_class(
                        [f"{name} filters claims: add view=claims (the Claims view)."]
                    )
        return data

    def spans(self, *, viewer: Any = None) -> QuerySet[Span]:
        """The live spans matching this (valid) filter, in the chosen order. With `viewer`, only what they
        may see under independent coding, and the text search reads only the notes they may see; without,
        everything (the operator's, or a caller that narrows the set itself)."""
        if not self.is_valid():
            raise InvalidFilter(self.errors)
        data = self.cleaned_data
        spans = self._narrowed(Span.objects.live(), viewer=viewer, span_ref="pk")
        if data["q"]:
            spans = spans.filter(self._text_found(data["q"], viewer))
        if data["coding"] == "adjudicated":
            spans = spans.adjudicated()
        elif data["coding"] == "analysts":
            spans = spans.coded()
        if data["sort"]:
            spans = spans.order_by(*SORTS[data["sort"]])
        return spans

    def _text_found(self, text: str, viewer: Any) -> Q:
        """Passages whose quote or one of whose live notes (those `viewer` may see) holds `text`.

        A rare text is found by two searches the trigram indexes serve (PostgreSQL, migration 0009),
        joined by UNION: an OR across the passage and its notes tests every passage (0.9 s at
        1,000,000 for a text that three hold). A common one is found faster by that OR, which the
        database answers by reading the passages in the list's order and testing each until the page
        is full: at 1,000,000 passages, a text in one in six took 1.2–1.6 s by the UNION, which reads
        and sorts every match before the first page, and 0.15–1.0 s so, depending on the order. The
        database's estimate from its statistics (ops/estimates.py) decides; SQLite has none, and there
        every passage is read either way."""
        in_notes = self.notes_searched(viewer).filter(text__icontains=text)
        in_quotes = Span.objects.filter(quote__icontains=text).order_by()
        if (estimated_share(in_quotes, Span.objects.all()) or 0) >= COMMON_TEXT:
            return Q(quote__icontains=text) | Exists(in_notes.filter(span_id=OuterRef("pk")))
        return Q(pk__in=in_quotes.values("pk").union(in_notes.order_by().values("span_id")))

    def _narrowed(self, records: QuerySet, *, viewer: Any, span_ref: str) -> QuerySet:
        """`records` (live spans, or live claims) narrowed to what `viewer` may see and by the parameters
        passages and claims read alike: the article's, the tags on the passage (at `span_ref`), and who
        made the record and when."""
        data = self.cleaned_data
        if viewer is not None:
            records = records.visible_to(viewer)
        records = records.filter(**{lookup: data[name] for name, lookup in SHARED_LOOKUPS if data[name]})
        if data["term"] or data["role"] or data["kind"]:
            records = records.filter(Exists(self._matching_tags(span_ref)))
        return records

    @staticmethod
    def notes_searched(viewer: Any = None) -> QuerySet[Note]:
        """The notes the text search reads: live, and with `viewer` those they may see (a note hidden from
        them must not make a passage match)."""
        notes = Note.objects.live()
        return notes.visible_to(viewer) if viewer is not None else notes

    def _matching_tags(self, span_ref: str) -> QuerySet[Tag]:
        # One tag must satisfy term, role and kind together (see the module docstring).
        data = self.cleaned_data
        tags = Tag.objects.filter(span=OuterRef(span_ref))
        if data["term"]:
            tags = tags.filter(term_id__in=with_narrower(data["term"]))
        if data["role"]:
            tags = tags.filter(role=data["role"])
        if data["kind"]:
            tags = tags.filter(term__kind=data["kind"])
        return tags

    def query_string(self, *, owner: AbstractBaseUser | None = None) -> str:
        """The filter (without sort or page) as a canonical query string; with `owner`, "me" becomes
        their username so a saved set keeps meaning the same passages whoever opens it."""
        query = QueryDict(mutable=True)
        if self.VIEW != "passages":
            query["view"] = self.VIEW
        for name in self.params:
            values = self.data.getlist(name) if self.is_bound else []
            values = [value.strip() for value in values if value.strip()]
            if owner is not None and name == "analyst":
                values = [owner.get_username() if value == ME else value for value in values]
            if values:
                query.setlist(name, values if name in self.multi_valued else values[:1])
        return query.urlencode()

    def in_words(self) -> str:
        """The filter as an analyst would say it: “term IRGC (and narrower) · role agent”."""
        if not self.is_valid():
            return "an invalid filter"
        data, parts = self.cleaned_data, []
        if data["article"]:
            parts.append(f"article “{data['article'].title}”")
        if data["source"]:
            parts.append(f"source {data['source'].name}")
        if data["published_from"] or data["published_to"]:
            parts.append("published " + _range_in_words(data["published_from"], data["published_to"]))
        if data["term"]:
            labels = " or ".join(term.label for term in data["term"])
            parts.append(f"term {labels} (and narrower)")
        if data["role"]:
            parts.append(f"role {data['role']}")
        if data["kind"]:
            parts.append(f"{data['kind']}s")
        if data["analyst"]:
            parts.append("by " + " or ".join(user.get_username() for user in data["analyst"]))
        if data["created_from"] or data["created_to"]:
            parts.append("created " + _range_in_words(data["created_from"], data["created_to"]))
        if data["q"]:
            parts.append(f"text “{data['q']}”")
        if data["coding"]:
            parts.append("adjudicated only" if data["coding"] == "adjudicated" else "analysts' own coding")
        return " · ".join(parts) or "every passage"


def with_narrower(terms: list[Term]) -> set[int]:
    """The ids of `terms` and of every term narrower than one of them."""
    ids: set[int] = set()
    for term in terms:
        ids |= term.descendant_ids()
    return ids


def _range_in_words(low: date | None, high: date | None) -> str:
    if low and high:
        return f"{low} to {high}"
    return f"from {low}" if low else f"until {high}"


def as_querydict(params: Mapping[str, Any]) -> QueryDict:
    """Accept a QueryDict, or a plain mapping whose values are strings or lists of strings."""
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set):
            query.setlist(name, [str(item) for item in value])
        else:
            query.setlist(name, [str(value)])
    return query


def filter_spans(
    params: Mapping[str, Any], *, user: AbstractBaseUser | None = None, viewer: Any = None
) -> QuerySet[Span]:
    """Live spans matching the filter parameters (see the module docstring).

    `user` resolves analyst=me; `viewer` narrows the set to what they may see (SpanFilterForm.spans).
    Raises InvalidFilter, whose message names each bad parameter, when a value is malformed or names
    nothing (unknown article, source, term or analyst).
    """
    return SpanFilterForm(params, user=user).spans(viewer=viewer)
