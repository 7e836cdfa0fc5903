"""Named permission predicates (django-rules), checked in views and again in services."""

from __future__ import annotations

import rules

from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster


@rules.predicate
def is_cluster_manager(user: User, cluster: Cluster | None) -> bool:
    if cluster is None or not user.is_authenticated or not user.is_active:
        return False
    return cluster.managers.filter(pk=user.pk).exists()


is_admin = rules.is_superuser & rules.is_active

rules.add_perm("clusters.change_cluster_profile", is_cluster_manager | is_admin)
rules.add_perm("clusters.import_clusters", is_admin)
