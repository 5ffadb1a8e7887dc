from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "title", "kind", "owner", "status", "done", "total", "created_at", "heartbeat_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["results", "params"]
