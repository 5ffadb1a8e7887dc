from django.contrib import admin

from corpus.models import Article, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "home_page", "reliability"]
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "published", "authors", "word_count", "imported_at"]
    list_filter = ["source", "language"]
    search_fields = ["title", "authors"]
    date_hierarchy = "published"
    readonly_fields = [
        "body",
        "sha256",
        "word_count",
        "imported_by",
        "imported_at",
        "original_filename",
    ]
