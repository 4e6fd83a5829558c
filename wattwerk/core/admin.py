from django.contrib import admin, messages
from django.utils import timezone

from . import operations
from .models import ObjectChange, OutboxEmail


class ChangeLoggedAdmin(admin.ModelAdmin):
    """Admin edits run through the same operations as UI and API, so they reach the history."""

    def save_model(self, request, obj, form, change):
        if change:
            operations.update_record(instance=obj, acting_user=request.user, now=timezone.now())
        else:
            operations.create_record(instance=obj, acting_user=request.user, now=timezone.now())

    def delete_model(self, request, obj):
        try:
            operations.delete_record(instance=obj, acting_user=request.user, now=timezone.now())
        except operations.UnableToDeleteRecord as error:
            messages.error(request, str(error))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    """Administrators see here which e-mails failed, and why."""

    list_display = ("subject", "status", "attempts", "created_at", "next_attempt_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("subject", "last_error")
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]


@admin.register(ObjectChange)
class ObjectChangeAdmin(admin.ModelAdmin):
    """The whole history, read-only: entries are appended by the operations and never changed."""

    list_display = (
        "sequence",
        "changed_at",
        "kind",
        "event",
        "object_repr",
        "content_type",
        "user_name",
        "department_name",
    )
    list_filter = ("kind", "content_type")
    search_fields = ("object_repr", "user_name", "event", "message")
    ordering = ("-sequence",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
