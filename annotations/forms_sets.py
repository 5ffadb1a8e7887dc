"""Saving the current filter as a named set, and renaming one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.http import QueryDict

from annotations.filters_claims import filter_form_for
from annotations.models import SavedSet

NAME_ERRORS = {"required": "Give the set a name.", "max_length": "Keep the name under 200 characters."}


class SavedSetForm(forms.Form):
    """Name a set. On save, `query` (the filter) is validated and stored in canonical form."""

    name = forms.CharField(
        max_length=200,
        strip=True,
        error_messages=NAME_ERRORS,
    )
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, owner: AbstractBaseUser, **kwargs: Any):
        self.owner = owner
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if SavedSet.objects.filter(owner=self.owner, name__iexact=name).exists():
            raise forms.ValidationError(f"You already have a set called “{name}”; choose another name.")
        return name

    def clean_query(self) -> str:
        # A set is saved from a filter the screen accepted; refuse one it would not.
        filter_form = filter_form_for(QueryDict(self.cleaned_data["query"]), user=self.owner)
        if not filter_form.is_valid():
            raise forms.ValidationError("The filter has errors; fix them before saving it as a set.")
        return filter_form.query_string(owner=self.owner)

    def save(self) -> SavedSet:
        return SavedSet.objects.create(
            owner=self.owner, name=self.cleaned_data["name"], query=self.cleaned_data["query"]
        )


class RenameSetForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        strip=True,
        error_messages=NAME_ERRORS,
    )

    def __init__(self, *args: Any, instance: SavedSet, **kwargs: Any):
        self.instance = instance
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        # Names are unique per owner; a lead renaming a colleague's set checks the colleague's names.
        taken = SavedSet.objects.filter(owner_id=self.instance.owner_id, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"{self.instance.owner} already has a set called “{name}”.")
        return name

    def save(self) -> SavedSet:
        self.instance.name = self.cleaned_data["name"]
        self.instance.save(update_fields=["name", "updated_at"])
        return self.instance
