"""Every role against every action: the named permissions, and the services refusing the same
users (the API, CLI and admin reach the services too)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster
from clusterbridge.programme import selectors, services
from clusterbridge.programme.enums import ApplicationState
from clusterbridge.programme.models import Application, Grant, ReviewCriterion

pytestmark = pytest.mark.django_db

ROLES = [
    "applicant",
    "juror",
    "conflicted_juror",
    "unassigned_juror",
    "officer",
    "visitor",
    "other_manager",
]


@pytest.fixture
def users(
    assigned: Application,
    juror: User,
    officer: User,
    applicant: User,
    other_manager: User,
    make_juror: Callable[..., User],
) -> dict[str, Any]:
    conflicted = make_juror(username="conflicted")
    services.assignment_create(application=assigned, juror=conflicted, actor=officer)
    # The conflict shows up after the assignment: the juror now works for the partner's
    # management organisation.
    conflicted.organisation = "Pôle Photonique"
    conflicted.save()
    return {
        "applicant": applicant,
        "juror": juror,
        "conflicted_juror": conflicted,
        "unassigned_juror": make_juror(username="unassigned"),
        "officer": officer,
        "visitor": AnonymousUser(),
        "other_manager": other_manager,
    }


def _allowed(users: dict[str, Any], perm: str, obj: Any) -> list[str]:
    return [role for role in ROLES if users[role].has_perm(perm, obj)]


def test_view_application_only_applicant_officer_and_clean_assigned_juror(
    users: dict[str, Any], assigned: Application
) -> None:
    assert _allowed(users, "programme.view_application", assigned) == [
        "applicant",
        "juror",
        "officer",
    ]


def test_review_application_only_clean_assigned_juror(
    users: dict[str, Any], assigned: Application
) -> None:
    assert _allowed(users, "programme.review_application", assigned) == ["juror"]


@pytest.mark.parametrize(
    "perm",
    [
        "programme.assign_jurors",
        "programme.view_reviews",
        "programme.decide_selection",
        "programme.view_selection_board",
        "programme.decide_application",
        "programme.manage_programme",
        "programme.decide_outline",
        "programme.view_audit",
    ],
)
def test_officer_permissions_only_officer(users: dict[str, Any], perm: str) -> None:
    assert _allowed(users, perm, None) == ["officer"]


def test_withdraw_only_applicant(users: dict[str, Any], assigned: Application) -> None:
    assert _allowed(users, "programme.withdraw_application", assigned) == ["applicant"]


def test_create_application_only_manager_of_that_german_cluster(
    users: dict[str, Any], german_cluster: Cluster, partner_cluster: Cluster
) -> None:
    partner_cluster.managers.add(users["other_manager"])

    assert _allowed(users, "programme.create_application", german_cluster) == ["applicant"]
    assert _allowed(users, "programme.create_application", partner_cluster) == []


def test_grant_permissions_holder_and_officer(users: dict[str, Any], grant: Grant) -> None:
    assert _allowed(users, "programme.view_grant", grant) == ["applicant", "officer"]
    assert _allowed(users, "programme.manage_project", grant) == ["applicant", "officer"]
    assert _allowed(users, "programme.record_expenditure", grant) == ["applicant", "officer"]
    assert _allowed(users, "programme.submit_deliverable", grant) == ["applicant"]
    assert _allowed(users, "programme.change_grant", grant) == ["officer"]


def test_applications_visible_to_each_role(users: dict[str, Any], assigned: Application) -> None:
    visible = {
        role: list(selectors.applications_visible_to(users[role], round=assigned.round))
        for role in ROLES
    }

    assert visible == {
        "applicant": [assigned],
        "juror": [assigned],
        "conflicted_juror": [],
        "unassigned_juror": [],
        "officer": [assigned],
        "visitor": [],
        "other_manager": [],
    }


def test_reviews_visible_to_officer_and_own_juror_only(
    users: dict[str, Any], assigned: Application, criteria: list[ReviewCriterion]
) -> None:
    review = services.review_submit(
        application=assigned,
        juror=users["juror"],
        scores={criterion.pk: 5 for criterion in criteria},
        no_conflict_declared=True,
    )

    visible = {
        role: list(selectors.reviews_visible_to(users[role], application=assigned))
        for role in ROLES
    }

    assert visible == {
        "applicant": [],
        "juror": [review],
        "conflicted_juror": [],
        "unassigned_juror": [],
        "officer": [review],
        "visitor": [],
        "other_manager": [],
    }


@pytest.mark.parametrize("role", ["conflicted_juror", "unassigned_juror", "applicant", "officer"])
def test_review_submit_refused_for_everyone_but_clean_assigned_juror(
    users: dict[str, Any], assigned: Application, criteria: list[ReviewCriterion], role: str
) -> None:
    with pytest.raises((PermissionDenied, services.ValidationError)):
        services.review_submit(
            application=assigned,
            juror=users[role],
            scores={criterion.pk: 5 for criterion in criteria},
            no_conflict_declared=True,
        )

    assert assigned.reviews.count() == 0


@pytest.mark.parametrize("role", ["juror", "applicant", "other_manager"])
def test_selection_decide_refused_for_non_officers(
    users: dict[str, Any], assigned: Application, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.selection_decide(
            round=assigned.round,
            actor=users[role],
            decisions=[services.SelectionDecision(assigned.pk, True, "Good")],
        )

    assert Application.objects.get(pk=assigned.pk).state == ApplicationState.SUBMITTED


@pytest.mark.parametrize("role", ["juror", "officer", "other_manager"])
def test_withdraw_refused_for_others(
    users: dict[str, Any], assigned: Application, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=assigned, actor=users[role])

    assert Application.objects.get(pk=assigned.pk).state == ApplicationState.SUBMITTED


@pytest.mark.parametrize("role", ["juror", "applicant", "other_manager"])
def test_assignment_refused_for_non_officers(
    users: dict[str, Any], assigned: Application, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            application=assigned, juror=users["unassigned_juror"], actor=users[role]
        )


@pytest.mark.parametrize("role", ["other_manager", "juror"])
def test_grant_holder_actions_refused_for_others(
    users: dict[str, Any], grant: Grant, role: str
) -> None:
    phase = grant.phases.get(kind="concept")
    with pytest.raises(PermissionDenied):
        services.outline_submit(grant=grant, actor=users[role], title="T", summary="S")
    with pytest.raises(PermissionDenied):
        services.expenditure_record(
            phase=phase,
            actor=users[role],
            amount_eur=Decimal(10),
            spent_on=grant.starts_on,
            description="Travel",
        )


def test_sketch_edit_refused_for_another_clusters_manager(
    other_manager: User, make_application: Callable[..., Application]
) -> None:
    draft = make_application(submit=False)

    with pytest.raises(PermissionDenied):
        services.application_update_sketch(
            application=draft, actor=other_manager, data={"title": "Hijacked"}
        )

    assert Application.objects.get(pk=draft.pk).title == "Photonics for the Loire"
