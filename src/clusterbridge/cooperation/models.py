"""Cooperation between clusters: contact requests and the partnerships they open."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation import validators
from clusterbridge.cooperation.enums import ContactRequestStatus, PartnershipStage


class Partnership(models.Model):
    """A German cluster and an international partner (a cluster or innovation region abroad)."""

    german_cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("German cluster"),
        on_delete=models.CASCADE,
        related_name="partnerships_as_german",
    )
    partner_cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("international partner"),
        on_delete=models.CASCADE,
        related_name="partnerships_as_partner",
    )
    stage = models.CharField(
        _("stage"),
        max_length=12,
        choices=PartnershipStage.choices,
        default=PartnershipStage.CONTACTED,
    )
    # Since when the partnership is in its current stage; shown on the profiles.
    stage_since = models.DateTimeField(_("in this stage since"), default=timezone.now)
    created_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        ordering = ["-stage_since", "-pk"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(
                name="partnership_stage_valid", condition=Q(stage__in=PartnershipStage.values)
            ),
            models.CheckConstraint(
                name="partnership_two_clusters", condition=~Q(german_cluster=F("partner_cluster"))
            ),
            # One partnership per pair at a time; an ended one stays as history.
            models.UniqueConstraint(
                fields=["german_cluster", "partner_cluster"],
                condition=~Q(stage=PartnershipStage.ENDED),
                name="partnership_one_open_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.german_cluster} / {self.partner_cluster}"

    def get_absolute_url(self) -> str:
        return reverse("cooperation:partnership_detail", kwargs={"pk": self.pk})

    def other_side(self, cluster: Cluster) -> Cluster:
        if cluster.pk == self.german_cluster_id:
            return self.partner_cluster
        return self.german_cluster

    @property
    def cluster_ids(self) -> tuple[int, int]:
        return (self.german_cluster_id, self.partner_cluster_id)


class PartnershipStageChange(models.Model):
    """One move of a partnership: who, when, from which stage to which, and why."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(
        _("from"), max_length=12, choices=PartnershipStage.choices, blank=True
    )
    to_stage = models.CharField(_("to"), max_length=12, choices=PartnershipStage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as written, so the history stays readable after the account is gone.
    actor_name = models.CharField(max_length=150, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=validators.NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.partnership}: {self.from_stage or '-'} → {self.to_stage}"


class ContactRequest(models.Model):
    """A manager of one cluster asks another cluster's management to talk about cooperation."""

    sender_cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("from"),
        on_delete=models.CASCADE,
        related_name="contact_requests_sent",
    )
    receiver_cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("to"),
        on_delete=models.CASCADE,
        related_name="contact_requests_received",
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="contact_requests_sent",
    )
    topic = models.CharField(_("proposed topic"), max_length=validators.TOPIC_MAX_LENGTH)
    message = models.TextField(_("message"), max_length=validators.MESSAGE_MAX_LENGTH)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ContactRequestStatus.choices,
        default=ContactRequestStatus.OPEN,
    )
    reply = models.TextField(_("reply"), blank=True, max_length=validators.REPLY_MAX_LENGTH)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_requests",
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        indexes = [models.Index(fields=["sender", "created_at"])]
        constraints = [
            models.CheckConstraint(
                name="contact_request_status_valid",
                condition=Q(status__in=ContactRequestStatus.values),
            ),
            models.CheckConstraint(
                name="contact_request_not_to_itself",
                condition=~Q(sender_cluster=F("receiver_cluster")),
            ),
            # At most one open request per pair of clusters, whichever side asked first.
            models.UniqueConstraint(
                Least("sender_cluster", "receiver_cluster"),
                Greatest("sender_cluster", "receiver_cluster"),
                condition=Q(status=ContactRequestStatus.OPEN),
                name="contact_request_one_open_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender_cluster} → {self.receiver_cluster}: {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("cooperation:contact_request_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == ContactRequestStatus.OPEN


class ProjectIdea(models.Model):
    """A bottom-up idea for a joint project, worked out by the partners in the concept phase;
    the seed of a later R&D project outline."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="project_ideas",
    )
    title = models.CharField(_("title"), max_length=validators.TOPIC_MAX_LENGTH)
    summary = models.TextField(_("summary"), max_length=validators.MESSAGE_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("project idea")
        verbose_name_plural = _("project ideas")

    def __str__(self) -> str:
        return self.title
