from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from clusterbridge.audit.messages import describe
from clusterbridge.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, so nobody edits or deletes it from the back office."""

    list_display = ("created_at", "actor_name", "action", "target_type", "target_label")
    list_filter = ("action", "target_type")
    search_fields = ("actor_name", "action", "target_label")
    date_hierarchy = "created_at"
    # The entry in the reader's language above the stored data it is made from.
    fields = (
        "sentence",
        "created_at",
        "actor",
        "actor_name",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "cluster_id",
        "changes",
    )
    readonly_fields = ("sentence", "created_at")

    @admin.display(description=_("what happened"))
    def sentence(self, entry: AuditEntry) -> str:
        (line,) = describe([entry])
        return " ".join([line.sentence, *line.details])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
