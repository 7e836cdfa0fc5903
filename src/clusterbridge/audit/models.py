"""The audit log: every decision a service takes, written in the same transaction as the change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what to which object, and what changed. Rows are only ever added."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The actor's name at the time, so the entry stays readable after the account is gone.
    actor_name = models.CharField(max_length=150, blank=True)
    # Dotted and stable, e.g. "programme.application.submitted"; the display sentence is
    # looked up from it (see `audit.messages`), so entries are shown in the reader's language.
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=300, blank=True)
    # Where a decision concerns a cluster, it is named here, so a cluster's log is one query.
    cluster_id = models.IntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(_("what changed"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=("target_type", "target_id"), name="audit_target_idx"),)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action}"
