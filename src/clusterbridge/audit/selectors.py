"""Reading the audit log. Who may read it is decided by the caller's rules (officers read all,
a cluster's managers read their cluster's entries)."""

from __future__ import annotations

from django.db.models import Model, QuerySet

from clusterbridge.audit.models import AuditEntry


def audit_entries(
    *,
    target: Model | None = None,
    cluster_id: int | None = None,
    action_prefix: str | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor")
    if target is not None:
        entries = entries.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
    if cluster_id is not None:
        entries = entries.filter(cluster_id=cluster_id)
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    return entries
