"""Who may do what with accounts, claims and a cluster's managers: named predicates, asked by
views and again by the services."""

from __future__ import annotations

import rules

from clusterbridge.accounts.enums import Role
from clusterbridge.accounts.models import User


@rules.predicate
def is_claim_reviewer(user: User) -> bool:
    """Programme officers and staff decide claims that no web domain proves."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff or user.has_role(Role.PROGRAMME_OFFICER)


@rules.predicate
def manages_cluster(user: User, cluster: object) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return cluster.managers.filter(pk=user.pk).exists()  # type: ignore[attr-defined]


rules.add_rule("accounts.review_claims", is_claim_reviewer)
rules.add_rule("accounts.manage_managers", manages_cluster)
