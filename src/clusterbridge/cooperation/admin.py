from django.contrib import admin
from django.http import HttpRequest

from clusterbridge.cooperation.models import ContactRequest, Partnership, PartnershipStageChange


class StageChangeInline(admin.TabularInline):
    model = PartnershipStageChange
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "from_stage", "to_stage", "actor_name", "note")
    exclude = ("actor",)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    """Read-only: stages change through `partnership_move`, which checks the move and keeps the
    history and the audit log."""

    list_display = ("german_cluster", "partner_cluster", "stage", "stage_since")
    list_filter = ("stage",)
    search_fields = ("german_cluster__name", "partner_cluster__name")
    inlines = [StageChangeInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "sender_cluster", "receiver_cluster", "topic", "status")
    list_filter = ("status",)
    search_fields = ("sender_cluster__name", "receiver_cluster__name", "topic")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
