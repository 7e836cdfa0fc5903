"""Reads for the home page: what is new on the platform, the same for every visitor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser

from clusterbridge.clusters.models import Cluster
from clusterbridge.clusters.selectors import cluster_list
from clusterbridge.cooperation.models import Partnership
from clusterbridge.cooperation.selectors import partnerships_visible_to

# A profile saved within this long of its creation counts as added, not as updated: the import
# writes a cluster's related rows a moment after the cluster itself.
_ADDED_WINDOW = timedelta(minutes=1)


def latest_partnerships(*, limit: int) -> list[Partnership]:
    """The partnerships that moved most recently, as an anonymous visitor sees them: the home
    page is public, so it never shows what only a party or an administrator may see."""
    return list(partnerships_visible_to(AnonymousUser()).order_by("-stage_since", "-pk")[:limit])


@dataclass(frozen=True)
class ProfileChange:
    cluster: Cluster
    added: bool

    @property
    def when(self) -> datetime:
        return self.cluster.updated_at


def latest_profile_changes(*, limit: int) -> list[ProfileChange]:
    """The cluster profiles added or updated most recently, newest first."""
    clusters = cluster_list().order_by("-updated_at", "-pk")[:limit]
    return [
        ProfileChange(
            cluster=cluster, added=cluster.updated_at - cluster.created_at < _ADDED_WINDOW
        )
        for cluster in clusters
    ]
