"""Reads for the home page: what is new on the platform, the same for every visitor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from clusterbridge.clusters.models import Cluster
from clusterbridge.clusters.selectors import (
    FACET_CACHE_SECONDS,
    cluster_list,
    landscape_counts,
    landscape_version,
)
from clusterbridge.cooperation.models import Partnership
from clusterbridge.cooperation.selectors import partnerships_visible_to

# A profile saved within this long of its creation counts as added, not as updated: the import
# writes a cluster's related rows a moment after the cluster itself.
_ADDED_WINDOW = timedelta(minutes=1)


def home_counts() -> dict[str, int]:
    """The landscape in figures. Counting every cluster costs tens of milliseconds at 50,000
    clusters, so the figures are kept until the next write to the landscape."""
    key = f"web:home-counts:{landscape_version()}"
    return dict(cache.get_or_set(key, landscape_counts, FACET_CACHE_SECONDS) or {})


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
    """The cluster profiles added or updated most recently, newest first.

    Finding them sorts every cluster (about 100 ms at 50,000), so which ones they are is kept
    until the next write to the landscape moves its version on; the few rows are read fresh."""

    def newest() -> list[int]:
        return list(
            Cluster.objects.order_by("-updated_at", "-pk").values_list("pk", flat=True)[:limit]
        )

    key = f"web:newest-profiles:{limit}:{landscape_version()}"
    ids: list[int] = cache.get_or_set(key, newest, FACET_CACHE_SECONDS) or []
    clusters = sorted(cluster_list().filter(pk__in=ids), key=lambda cluster: ids.index(cluster.pk))
    return [ProfileChange(cluster=c, added=_is_new(c)) for c in clusters]


def _is_new(cluster: Cluster) -> bool:
    return cluster.updated_at - cluster.created_at < _ADDED_WINDOW
