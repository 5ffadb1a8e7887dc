"""Forms of the Articles list (its filters) and the Import page."""

from __future__ import annotations

import datetime as dt

from django import forms

from corpus.cleaning import parse_published
from corpus.importers import TEXT_EXTENSIONS
from corpus.models import Source
from corpus.search import read_search


class ArticleFilterForm(forms.Form):
    SORTS = [("newest", "Newest first"), ("oldest", "Oldest first")]

    q = forms.CharField(required=False, max_length=200, label="Search")
    source = forms.ModelChoiceField(
        queryset=Source.objects.all(), required=False, empty_label="All sources", label="Source"
    )
    published_from = forms.DateField(
        required=False, label="Published from", widget=forms.DateInput(attrs={"type": "date"})
    )
    published_to = forms.DateField(required=False, label="to", widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(choices=SORTS, required=False, label="Sort")
    literal = forms.BooleanField(required=False, label="Only the words as typed")

    def filter(self, articles):
        """The articles this filter keeps, in its order. An invalid field is reported and left out;
        the valid ones still apply. `search` then tells what was searched (names and their variants)."""
        self.is_valid()
        data = self.cleaned_data
        source = data.get("source")
        self.search = read_search(data.get("q", ""), literal=data.get("literal", False))
        articles = articles.search(self.search).from_source(source.pk if source else None)
        articles = articles.published_between(data.get("published_from"), data.get("published_to"))
        return articles.by_date(oldest_first=data.get("sort") == "oldest")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>. Each file is judged by the importer, which
    refuses the bad ones by name, so an empty or odd file never makes the whole form invalid."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(TEXT_EXTENSIONS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class ImportForm(forms.Form):
    files = MultipleFileField(
        required=False,
        label="Files",
        help_text=".txt, .html, .jsonl or .csv; add a manifest.csv for the metadata of .txt files.",
    )
    title = forms.CharField(required=False, max_length=500)
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 12}))
    source = forms.CharField(required=False, max_length=200)
    authors = forms.CharField(required=False, max_length=500, help_text="Separate several with “;”.")
    published = forms.CharField(required=False, max_length=40, help_text="e.g. 2020-01-03 or January 3, 2020")
    url = forms.URLField(required=False, max_length=2000, label="URL", assume_scheme="https")

    def clean_published(self) -> dt.date | None:
        value = self.cleaned_data["published"].strip()
        if not value:
            return None
        date = parse_published(value)
        if date is None:
            raise forms.ValidationError(f"“{value}” is not a date I can read: write it like 2020-01-03.")
        return date

    def clean(self) -> dict:
        data = super().clean()
        pasted = (data.get("text") or "").strip()
        if not data.get("files") and not pasted and not data.get("title"):
            raise forms.ValidationError("Choose files to upload, or paste the text of an article.")
        if pasted and not (data.get("title") or "").strip():
            self.add_error("title", "A pasted text needs a title.")
        if (data.get("title") or "").strip() and not pasted:
            self.add_error("text", "Paste the text of the article under its title.")
        return data

    @property
    def has_pasted_text(self) -> bool:
        return bool((self.cleaned_data.get("text") or "").strip())
