from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from wattwerk.core.admin import ChangeLoggedAdmin

from .models import Department, User


@admin.register(Department)
class DepartmentAdmin(ChangeLoggedAdmin):
    list_display = ("name", "code", "parent", "email")
    search_fields = ("name", "code")


@admin.register(User)
class UserAdmin(ChangeLoggedAdmin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "department", "is_staff", "is_active")
    list_filter = ("department", "is_staff", "is_active")
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Organisation"), {"fields": ("department",)}))
