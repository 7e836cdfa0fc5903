"""Cooperation between clusters: contact requests and the partnerships they open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterbridge.accounts.models import display_name
from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation import validators
from clusterbridge.cooperation.enums import (
    HELD_NOTICE,
    UNANSWERED_STATUSES,
    ContactRequestStatus,
    PartnershipStage,
)

if TYPE_CHECKING:
    pass


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
    # Only for a request that was held: when the cluster's first managers received it. Any
    # other request reached its managers when it was sent.
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

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
            # At most one unanswered (open or held) request per pair of clusters, whichever
            # side asked first.
            models.UniqueConstraint(
                Least("sender_cluster", "receiver_cluster"),
                Greatest("sender_cluster", "receiver_cluster"),
                condition=Q(status__in=[status.value for status in UNANSWERED_STATUSES]),
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

    @property
    def is_held(self) -> bool:
        return self.status == ContactRequestStatus.HELD

    @property
    def is_unanswered(self) -> bool:
        return self.status in UNANSWERED_STATUSES

    @property
    def notice(self) -> str:
        """What the sender needs to know about the request's state beyond its status."""
        return str(HELD_NOTICE) if self.is_held else ""


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


class Message(models.Model):
    """One message in the conversation of two partners.

    Tied to the partnership, not to the contact request that opened it: the partnership is the
    lasting relation of the two clusters (the request is answered once and done), it names both
    sides alike (German cluster and partner instead of sender and receiver), its parties are
    the ones who may read and write, and the talk goes on through every stage, also after the
    partnership was ended and reopened."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The side the author wrote for; empty for a platform administrator.
    author_cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("message"), max_length=validators.BODY_MAX_LENGTH)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["partnership", "created_at"])]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.author_name}, {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def author_name(self) -> str:
        return display_name(self.author)


class AddressSharing(models.Model):
    """One side of a partnership has agreed to show its managers' e-mail addresses to the
    other side. The addresses are shown only while both sides have such a row."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="address_sharing"
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    switched_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("switched on by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    switched_on_at = models.DateTimeField(_("switched on"), default=timezone.now)

    class Meta:
        verbose_name = _("e-mail address sharing")
        verbose_name_plural = _("e-mail address sharing")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "cluster"], name="address_sharing_once_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.cluster}"
