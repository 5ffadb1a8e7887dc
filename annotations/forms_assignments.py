"""Forms of assigning: which articles (ticked rows, the Articles list's filter, or a saved set), and to
whom, how, by when."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from annotations.models import SavedSet
from corpus.forms import ArticleFilterForm
from corpus.models import Article
from ops.inputs import parse_id

ARTICLE_FILTER_PARAMS = ("q", "literal", "source", "published_from", "published_to")


class ArticleChoice:
    """The articles a lead is about to assign, read from the request's parameters: ticked rows
    (`article`, repeatable), else a saved set (`set`: the articles of its passages), else the Articles
    list's filter (q, source, published_from, published_to; none means every article)."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = params
        self.errors: list[str] = []
        self.saved_set: SavedSet | None = None
        self.articles: QuerySet[Article] = self._read()

    def _read(self) -> QuerySet[Article]:
        ticked = [value.strip() for value in self.params.getlist("article") if value.strip()]
        if ticked:
            bad = [value for value in ticked if parse_id(value) is None]
            if bad:
                self.errors.append(f"Article ids are numbers, not {', '.join(f'“{v}”' for v in bad)}.")
                return Article.objects.none()
            articles = Article.objects.filter(pk__in=[int(value) for value in ticked])
            missing = {int(value) for value in ticked} - set(articles.values_list("pk", flat=True))
            if missing:
                self.errors.append(f"No article with id {', '.join(map(str, sorted(missing)))}.")
            return articles.order_by("title", "pk")
        set_id = self.params.get("set", "").strip()
        if set_id:
            self.saved_set = (
                SavedSet.objects.filter(pk=parse_id(set_id)).first() if parse_id(set_id) else None
            )
            if self.saved_set is None:
                self.errors.append(f"There is no saved set “{set_id}”.")
                return Article.objects.none()
            if not self.saved_set.filter_form().is_valid():
                self.errors.append(f"The saved set “{self.saved_set.name}” no longer makes a valid filter.")
                return Article.objects.none()
            return Article.objects.filter(pk__in=self.saved_set.spans().values("article_id")).order_by(
                "title"
            )
        form = ArticleFilterForm(self.params)
        if not form.is_valid():
            self.errors.extend(
                f"{form.fields[name].label}: {' '.join(messages)}" for name, messages in form.errors.items()
            )
            return Article.objects.none()
        return form.filter(Article.objects.all())

    def hidden_fields(self) -> list[tuple[str, str]]:
        """The parameters to carry through the confirmation form."""
        if self.params.getlist("article"):
            return [("article", value) for value in self.params.getlist("article")]
        if self.saved_set is not None:
            return [("set", str(self.saved_set.pk))]
        return [(name, self.params.get(name, "")) for name in ARTICLE_FILTER_PARAMS if self.params.get(name)]

    def in_words(self) -> str:
        if self.params.getlist("article"):
            return "the ticked articles"
        if self.saved_set is not None:
            return f"the articles of the saved set “{self.saved_set.name}”"
        if any(self.params.get(name) for name in ARTICLE_FILTER_PARAMS):
            return "the articles the Articles list found"
        return "every article"


class AssignForm(forms.Form):
    analysts = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one analyst."},
    )
    independent = forms.BooleanField(
        required=False,
        label="Independent double coding",
        help_text="Each analyst sees only their own work on these articles until all of them are done.",
    )
    due = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the due date as YYYY-MM-DD."},
    )
    name = forms.CharField(required=False, max_length=200, help_text="Optional, e.g. “Soleimani, week 1”.")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        User = get_user_model()
        self.fields["analysts"].queryset = User.objects.filter(is_active=True).order_by(User.USERNAME_FIELD)
        self.fields["analysts"].label_from_instance = lambda user: user.get_username()

    def clean(self) -> dict:
        data = super().clean()
        if data.get("independent") and len(data.get("analysts") or []) < 2:
            self.add_error("analysts", "Independent double coding needs two or more analysts.")
        return data
