"""Who may do what with contact requests and partnerships (django-rules), checked in views and
endpoints and again in the services."""

from __future__ import annotations

import rules

from clusterbridge.accounts.models import User
from clusterbridge.clusters.rules import is_admin, is_cluster_manager
from clusterbridge.cooperation.models import ContactRequest, Partnership, ProjectIdea


def _manages_any(user: User, cluster_ids: tuple[int, ...]) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.managed_clusters.filter(pk__in=cluster_ids).exists()


@rules.predicate
def is_sender_side(user: User, request: ContactRequest | None) -> bool:
    return request is not None and _manages_any(user, (request.sender_cluster_id,))


@rules.predicate
def is_receiver_side(user: User, request: ContactRequest | None) -> bool:
    return request is not None and _manages_any(user, (request.receiver_cluster_id,))


@rules.predicate
def is_partnership_party(user: User, partnership: Partnership | None) -> bool:
    return partnership is not None and _manages_any(user, partnership.cluster_ids)


@rules.predicate
def is_idea_party(user: User, idea: ProjectIdea | None) -> bool:
    return idea is not None and _manages_any(user, idea.partnership.cluster_ids)


# Only a cluster's own managers write on its behalf; administrators read everything and may
# correct a partnership's stage, but do not answer requests for a cluster's management.
# Django's `User.has_perm` grants a superuser every permission, so the write checks use
# `rules.has_perm(name, user, obj)`, which asks only these rules.
rules.add_perm("cooperation.send_contact_request", is_cluster_manager)
rules.add_perm("cooperation.view_contact_request", is_sender_side | is_receiver_side | is_admin)
rules.add_perm("cooperation.decide_contact_request", is_receiver_side)
rules.add_perm("cooperation.withdraw_contact_request", is_sender_side)
rules.add_perm("cooperation.view_partnership_history", is_partnership_party | is_admin)
rules.add_perm("cooperation.move_partnership", is_partnership_party | is_admin)
# Project ideas are the partners' working material: only they (and administrators) read them,
# only they write them.
rules.add_perm("cooperation.view_project_ideas", is_partnership_party | is_admin)
rules.add_perm("cooperation.add_project_idea", is_partnership_party)
rules.add_perm("cooperation.change_project_idea", is_idea_party)
# The partners' conversation: the managers of the two clusters and administrators (who may help
# out) read and write; anyone else is told it does not exist.
rules.add_perm("cooperation.view_conversation", is_partnership_party | is_admin)
rules.add_perm("cooperation.post_message", is_partnership_party | is_admin)
# Sharing e-mail addresses is a cluster's own consent, given by one of its managers (the object
# is the cluster); nobody gives it on its behalf.
rules.add_perm("cooperation.share_addresses", is_cluster_manager)
