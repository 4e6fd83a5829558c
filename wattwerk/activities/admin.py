"""Administrators shape the chain templates here: the steps, their departments, durations and
predecessors (the template's own changes reach its history)."""

from django.contrib import admin

from wattwerk.core.admin import ChangeLoggedAdmin

from .models import ChainTemplate, ChainTemplateStep


class StepInline(admin.TabularInline):
    model = ChainTemplateStep
    extra = 1
    fields = (
        "position",
        "key",
        "kind",
        "subject",
        "department",
        "role",
        "working_days",
        "predecessors",
    )
    filter_horizontal = ("predecessors",)


@admin.register(ChainTemplate)
class ChainTemplateAdmin(ChangeLoggedAdmin):
    list_display = ("name", "anchor")
    inlines = [StepInline]
