"""The admin shows the team's work; it changes none of it.

Terms, aliases, passages, tags, notes, claims and the history are changed only on the app's screens,
through the model verbs (Term.edit, merge_into, retire, add_alias; Span.retag; Claim.edit; …), which
check who may and record every change in the history. An admin form would write the rows directly,
with no history and no permission rule, so for these models the admin is read-only and each page links
to the screen where the change is made. Users, groups, saved sets, claim field definitions and the login
throttle stay editable here.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from annotations.models import Alias, Change, Claim, ClaimAttribute, Note, SavedSet, Span, Tag, Term


class ScreensOnly:
    """View-only in the admin; `screen` names where the change is made (the object's page)."""

    screen = "the app's screens"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Change it")
    def on_the_screens(self, obj) -> str:
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
        if url is None:
            return "The history is written by the screens' changes; it is never edited."
        return format_html(
            '<a href="{}">On {}</a>, where the change is checked and recorded in the history.',
            url,
            self.screen,
        )


class AliasInline(ScreensOnly, admin.TabularInline):
    model = Alias
    extra = 0


@admin.register(Term)
class TermAdmin(ScreensOnly, admin.ModelAdmin):
    screen = "the term's Vocabulary page (edit, aliases, merge, retire)"
    list_display = ["label", "slug", "kind", "actor_type", "code", "parent", "proposed", "retired_at"]
    list_filter = ["kind", "actor_type", "proposed"]
    search_fields = ["label", "slug", "aliases__name"]
    inlines = [AliasInline]
    readonly_fields = ["on_the_screens"]


class TagInline(ScreensOnly, admin.TabularInline):
    model = Tag
    extra = 0


@admin.register(Span)
class SpanAdmin(ScreensOnly, admin.ModelAdmin):
    screen = "the reader (tags, notes, delete with Undo)"
    list_display = ["quote", "article", "start", "end", "created_by", "created_at", "deleted_at"]
    list_filter = ["created_by"]
    readonly_fields = ["on_the_screens"]
    inlines = [TagInline]


@admin.register(Note)
class NoteAdmin(ScreensOnly, admin.ModelAdmin):
    screen = "the reader"
    list_display = ["text", "article", "span", "author", "created_at"]
    readonly_fields = ["on_the_screens"]

    @admin.display(description="Change it")
    def on_the_screens(self, obj) -> str:
        url = (
            obj.span.get_absolute_url()
            if obj.span_id
            else reverse("annotations:reader", args=[obj.article_id])
        )
        return format_html(
            '<a href="{}">In the reader</a>, where the change is recorded in the history.', url
        )


@admin.register(Change)
class ChangeAdmin(ScreensOnly, admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "summary"]
    list_filter = ["action", "object_type"]
    readonly_fields = ["on_the_screens"]


admin.site.register(SavedSet)


@admin.register(Claim)
class ClaimAdmin(ScreensOnly, admin.ModelAdmin):
    screen = "the reader (the passage's claims: edit, delete with Undo)"
    list_display = ["__str__", "article", "speaker_kind", "stance", "certainty", "created_by", "deleted_at"]
    list_filter = ["speaker_kind", "stance", "certainty", "claim_type"]
    readonly_fields = ["on_the_screens"]


@admin.register(ClaimAttribute)
class ClaimAttributeAdmin(admin.ModelAdmin):
    list_display = ["name", "label", "value_type", "position"]
