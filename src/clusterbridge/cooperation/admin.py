from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation import services
from clusterbridge.cooperation.enums import ContactRequestStatus
from clusterbridge.cooperation.models import (
    ContactRequest,
    Message,
    Partnership,
    PartnershipStageChange,
)


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
    actions = ["deliver_held"]

    @admin.action(description=gettext_lazy("Deliver held requests to their clusters' managers"))
    def deliver_held(self, request: HttpRequest, queryset: QuerySet[ContactRequest]) -> None:
        """For managers given to a cluster here rather than by claiming it: the claim delivers
        held requests by itself, this does the same for the selected requests' clusters."""
        held = queryset.filter(status=ContactRequestStatus.HELD)
        clusters = Cluster.objects.filter(pk__in=held.values("receiver_cluster"))
        delivered = sum(
            services.contact_requests_deliver_held(
                cluster=cluster, base_url=request.build_absolute_uri("/")
            )
            for cluster in clusters
        )
        self.message_user(
            request,
            _("%(n)d held requests delivered (a cluster without managers keeps its own).")
            % {"n": delivered},
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: messages are written in the conversation, through `message_post`."""

    list_display = ("created_at", "partnership", "author", "author_cluster")
    search_fields = ("partnership__german_cluster__name", "partnership__partner_cluster__name")
    list_select_related = (
        "partnership__german_cluster",
        "partnership__partner_cluster",
        "author",
        "author_cluster",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
