from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from clusterbridge.accounts.models import User
from clusterbridge.audit.models import AuditEntry
from clusterbridge.audit.selectors import audit_entries
from clusterbridge.audit.services import audit_record, changes_between
from clusterbridge.clusters.models import Cluster


def test_changes_between_keeps_only_changed_fields_in_json_form() -> None:
    before = {"amount": Decimal("10.50"), "start": dt.date(2026, 1, 1), "name": "A"}
    after = {"amount": Decimal("12.00"), "start": dt.date(2026, 1, 1), "name": "A", "note": "x"}

    assert changes_between(before, after) == {"amount": ["10.50", "12.00"], "note": [None, "x"]}


@pytest.mark.django_db
def test_audit_record_names_actor_target_and_cluster(
    make_cluster: Callable[..., Cluster], make_user: Callable[..., User]
) -> None:
    cluster = make_cluster(name="Photonics Net")
    officer = make_user(username="officer")

    entry = audit_record(
        actor=officer,
        action="clusters.cluster.reviewed",
        target=cluster,
        changes={"when": dt.date(2026, 2, 3)},
        cluster_id=cluster.pk,
    )

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.actor_name, stored.action) == (
        officer.pk,
        "officer",
        "clusters.cluster.reviewed",
    )
    assert (stored.target_type, stored.target_id, stored.target_label) == (
        "clusters.cluster",
        str(cluster.pk),
        "Photonics Net",
    )
    assert stored.changes == {"when": "2026-02-03"}
    assert list(audit_entries(target=cluster)) == [stored]
    assert list(audit_entries(cluster_id=cluster.pk, action_prefix="clusters.")) == [stored]
    assert list(audit_entries(action_prefix="programme.")) == []


@pytest.mark.django_db
def test_audit_record_without_actor_is_a_system_entry(make_cluster: Callable[..., Cluster]) -> None:
    cluster = make_cluster()

    entry = audit_record(actor=None, action="demo.cluster.loaded", target=cluster)

    assert (entry.actor_id, entry.actor_name) == (None, "")
