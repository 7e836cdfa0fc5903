"""Reads for accounts: claims, a cluster's managers and invitations."""

from __future__ import annotations

from django.db.models import QuerySet

from clusterbridge.accounts import rules
from clusterbridge.accounts.models import ClusterClaim, ManagerInvitation, User
from clusterbridge.accounts.workflow import OPEN_STATES
from clusterbridge.clusters.models import Cluster


def claims_to_review(user: User) -> QuerySet[ClusterClaim]:
    """The review queue, oldest first; empty for anyone who may not review."""
    if not rules.is_claim_reviewer(user):
        return ClusterClaim.objects.none()
    return (
        ClusterClaim.objects.filter(state=ClusterClaim.State.AWAITING_REVIEW)
        .select_related("user", "cluster")
        .order_by("created_at", "pk")
    )


def claims_of(user: User) -> QuerySet[ClusterClaim]:
    return ClusterClaim.objects.filter(user=user).select_related("cluster")


def open_claim(*, user: User, cluster: Cluster) -> ClusterClaim | None:
    if not user.is_authenticated:
        return None
    return ClusterClaim.objects.filter(user=user, cluster=cluster, state__in=OPEN_STATES).first()


def open_invitations(cluster: Cluster) -> QuerySet[ManagerInvitation]:
    return cluster.manager_invitations.filter(accepted_at=None, revoked_at=None).order_by(
        "created_at"
    )


def recently_claimed_clusters(limit: int = 5) -> list[Cluster]:
    """Clusters whose profiles were claimed most recently (for the home page)."""
    claims = (
        ClusterClaim.objects.filter(state=ClusterClaim.State.APPROVED)
        .order_by("-decided_at", "-pk")
        .select_related("cluster")
    )
    seen: dict[int, Cluster] = {}
    for claim in claims[: limit * 4]:
        seen.setdefault(claim.cluster_id, claim.cluster)
        if len(seen) == limit:
            break
    return list(seen.values())
