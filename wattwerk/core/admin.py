from django.contrib import admin

from .models import ObjectChange, OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    """Administrators see here which e-mails failed, and why."""

    list_display = ("subject", "status", "attempts", "created_at", "next_attempt_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("subject", "last_error")
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]


@admin.register(ObjectChange)
class ObjectChangeAdmin(admin.ModelAdmin):
    list_display = (
        "changed_at",
        "kind",
        "object_repr",
        "content_type",
        "user_name",
        "department_name",
    )
    list_filter = ("kind", "content_type")
    search_fields = ("object_repr", "user_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
