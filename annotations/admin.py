from django.contrib import admin

from annotations.models import Alias, Change, Claim, ClaimAttribute, Note, SavedSet, Span, Tag, Term


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "kind", "actor_type", "code", "parent", "retired_at"]
    list_filter = ["kind", "actor_type"]
    search_fields = ["label", "slug", "aliases__name"]
    inlines = [AliasInline]
    # Merging and retiring happen on the Vocabulary screens, through Term.merge_into/retire: tags move,
    # the history records it, and loops are refused. Here they are only shown.
    readonly_fields = ["merged_into", "retired_at", "created_by"]


class TagInline(admin.TabularInline):
    model = Tag
    extra = 0


@admin.register(Span)
class SpanAdmin(admin.ModelAdmin):
    list_display = ["quote", "article", "start", "end", "created_by", "created_at", "deleted_at"]
    list_filter = ["created_by"]
    readonly_fields = ["quote", "prefix", "suffix", "start", "end", "version"]
    inlines = [TagInline]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["text", "article", "span", "author", "created_at"]


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "summary"]
    list_filter = ["action", "object_type"]


admin.site.register(SavedSet)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "speaker_kind", "stance", "certainty", "created_by", "deleted_at"]
    list_filter = ["speaker_kind", "stance", "certainty", "claim_type"]
    raw_id_fields = ["span", "article", "speaker", "speaker_group", "target"]
    readonly_fields = ["version"]


@admin.register(ClaimAttribute)
class ClaimAttributeAdmin(admin.ModelAdmin):
    list_display = ["name", "label", "value_type", "position"]
