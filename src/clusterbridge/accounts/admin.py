from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from clusterbridge.accounts.models import ApiToken, SignInEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("clusterbridge", {"fields": ("organisation", "preferred_language", "deleted_at")}),
    )
    readonly_fields = ["deleted_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    exclude = ["key_hash"]


@admin.register(SignInEvent)
class SignInEventAdmin(admin.ModelAdmin):
    """The sign-in log, read-only: staff look for probing and lock-outs here."""

    list_display = ["at", "outcome", "channel", "user", "identifier", "address"]
    list_filter = ["outcome", "channel", "at"]
    search_fields = ["identifier", "address", "user__email"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
