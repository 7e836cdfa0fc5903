"""Who may do what in the programme: named django-rules predicates, checked in views and API
endpoints and again in the services (which the admin and the CLI reach too).

Roles: programme officers and jury members are groups (`accounts.enums.Role`); applicants and
grant holders are the managers of the applying German cluster (`clusters.Cluster.managers`).
A juror's conflicts of interest (declared or detected from data) are decided in
`selectors.conflicts_for`; the predicates here only ask it."""

from __future__ import annotations

from typing import Any

import rules

from clusterbridge.accounts.enums import Role
from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster
from clusterbridge.programme.enums import ApplicationState
from clusterbridge.programme.models import Application, Grant, Review

# States in which the applicants may still edit what they wrote: the sketch as a draft, the
# formal application after the panel's recommendation.
SKETCH_EDITABLE = frozenset({ApplicationState.DRAFT})
FORMAL_EDITABLE = frozenset({ApplicationState.RECOMMENDED})
WITHDRAWABLE = frozenset(
    {
        ApplicationState.DRAFT,
        ApplicationState.SUBMITTED,
        ApplicationState.RECOMMENDED,
        ApplicationState.FORMAL_SUBMITTED,
    }
)
# States in which a jury reviews: the sketch stage, before the panel decides.
REVIEWABLE = frozenset({ApplicationState.SUBMITTED})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


@rules.predicate
def is_officer(user: User) -> bool:
    return _active(user) and user.has_role(Role.PROGRAMME_OFFICER)


@rules.predicate
def is_juror(user: User) -> bool:
    return _active(user) and user.has_role(Role.JURY_MEMBER)


@rules.predicate
def manages_cluster(user: User, cluster: Cluster | None) -> bool:
    if cluster is None or not _active(user):
        return False
    return cluster.managers.filter(pk=user.pk).exists()


@rules.predicate
def may_apply_for(user: User, cluster: Cluster | None) -> bool:
    """Managers of a German cluster apply for it."""
    return cluster is not None and cluster.is_german and bool(manages_cluster(user, cluster))


@rules.predicate
def is_applicant(user: User, application: Application | None) -> bool:
    if application is None:
        return False
    return bool(manages_cluster(user, application.cluster))


@rules.predicate
def sketch_editable(user: User, application: Application | None) -> bool:
    return application is not None and application.state in SKETCH_EDITABLE


@rules.predicate
def formal_editable(user: User, application: Application | None) -> bool:
    return application is not None and application.state in FORMAL_EDITABLE


@rules.predicate
def withdrawable(user: User, application: Application | None) -> bool:
    return application is not None and application.state in WITHDRAWABLE


@rules.predicate
def is_assigned_juror(user: User, application: Application | None) -> bool:
    if application is None or not _active(user):
        return False
    return application.assignments.filter(juror=user).exists()


@rules.predicate
def has_conflict(user: User, application: Application | None) -> bool:
    """Declared by the juror, or detected from organisations and managers."""
    if application is None or not _active(user):
        return False
    from clusterbridge.programme.selectors import conflicts_for

    return bool(conflicts_for(juror=user, application=application))


@rules.predicate
def in_review(user: User, application: Application | None) -> bool:
    return application is not None and application.state in REVIEWABLE


@rules.predicate
def is_grant_holder(user: User, grant: Grant | None) -> bool:
    if grant is None:
        return False
    return bool(manages_cluster(user, grant.application.cluster))


@rules.predicate
def wrote_review(user: User, review: Review | None) -> bool:
    return review is not None and _active(user) and review.juror_id == user.pk


may_review = is_juror & is_assigned_juror & ~has_conflict

rules.add_perm("programme.manage_programme", is_officer)
rules.add_perm("programme.create_application", may_apply_for)
rules.add_perm("programme.edit_sketch", is_applicant & sketch_editable)
rules.add_perm("programme.submit_sketch", is_applicant & sketch_editable)
rules.add_perm("programme.edit_formal", is_applicant & formal_editable)
rules.add_perm("programme.submit_formal", is_applicant & formal_editable)
rules.add_perm("programme.withdraw_application", is_applicant & withdrawable)
# Seeing an application: its applicants, officers (not drafts, see the selector), and jurors
# assigned to it without a conflict.
rules.add_perm("programme.view_application", is_applicant | is_officer | may_review)
rules.add_perm("programme.assign_jurors", is_officer)
rules.add_perm("programme.declare_conflict", is_juror & is_assigned_juror)
rules.add_perm("programme.review_application", may_review & in_review)
rules.add_perm("programme.view_reviews", is_officer)
rules.add_perm("programme.view_own_review", wrote_review | is_officer)
rules.add_perm("programme.decide_selection", is_officer)
rules.add_perm("programme.view_selection_board", is_officer)
rules.add_perm("programme.decide_application", is_officer)
rules.add_perm("programme.view_grant", is_grant_holder | is_officer)
rules.add_perm("programme.change_grant", is_officer)
rules.add_perm("programme.submit_deliverable", is_grant_holder)
rules.add_perm("programme.decide_outline", is_officer)
rules.add_perm("programme.manage_project", is_grant_holder | is_officer)
rules.add_perm("programme.record_expenditure", is_grant_holder | is_officer)
rules.add_perm("programme.submit_report", is_grant_holder | is_officer)
rules.add_perm("programme.view_audit", is_officer)
