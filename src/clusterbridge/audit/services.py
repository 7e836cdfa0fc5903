"""Writing the audit log. Services call `audit_record` inside their own transaction, so a
decision and its entry are committed (or rolled back) together."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from typing import Any

from django.db import models

from clusterbridge.accounts.models import User
from clusterbridge.audit.models import AuditEntry


def _plain(value: Any) -> Any:
    """JSON-safe form of a field value, so `changes` can hold dates, decimals and models."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """`{"field": [old, new]}` for every field whose value differs."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
    cluster_id: int | None = None,
) -> AuditEntry:
    """Adds one entry. `action` is dotted (`<app>.<entity>.<verb>`), `changes` a JSON-safe
    mapping (use `changes_between` for field edits)."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.get_username() if actor is not None and actor.pk else "",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        cluster_id=cluster_id,
        changes=_plain(dict(changes or {})),
    )
