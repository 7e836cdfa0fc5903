"""Every role against every action, through the services (which the pages, the API, the CLI
and the admin all reach): "ok" where the role may act, "denied" (PermissionDenied) or
"refused" (a ValidationError naming the rule) where it may not."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster
from clusterbridge.programme import selectors, services
from clusterbridge.programme.enums import ApplicationState, IPRStatus, PhaseKind
from clusterbridge.programme.models import Application, Grant, ReviewCriterion, Round
from tests.programme.conftest import approve

pytestmark = pytest.mark.django_db

ROLES = (
    "applicant",
    "juror",
    "conflicted_juror",
    "unassigned_juror",
    "officer",
    "visitor",
    "other_manager",
)


@dataclass
class World:
    users: dict[str, Any]
    round: Round
    draft: Application
    submitted: Application
    grant: Grant
    fresh_cluster: Cluster
    criteria: list[ReviewCriterion]


@pytest.fixture
def world(
    open_round: Round,
    applicant: User,
    officer: User,
    juror: User,
    other_manager: User,
    make_juror: Callable[..., User],
    make_cluster: Any,
    make_application: Callable[..., Application],
    criteria: list[ReviewCriterion],
) -> World:
    def managed(slug: str) -> Cluster:
        cluster = make_cluster(slug=slug, name=slug.upper(), management_organisation=f"{slug} e.V.")
        cluster.managers.add(applicant)
        return cluster

    draft = make_application(cluster=managed("draft-de"), submit=False)
    submitted = make_application(cluster=managed("submitted-de"))
    granted = make_application(cluster=managed("granted-de"))
    conflicted = make_juror(username="conflicted")
    for application in (submitted, granted):
        services.assignment_create(application=application, juror=juror, actor=officer)
    grant = approve(granted, officer, applicant)
    services.assignment_create(application=submitted, juror=conflicted, actor=officer)
    conflicted.organisation = "submitted-de e.V."
    conflicted.save()
    return World(
        users={
            "applicant": applicant,
            "juror": juror,
            "conflicted_juror": conflicted,
            "unassigned_juror": make_juror(username="unassigned"),
            "officer": officer,
            "visitor": AnonymousUser(),
            "other_manager": other_manager,
        },
        round=open_round,
        draft=draft,
        submitted=submitted,
        grant=grant,
        fresh_cluster=managed("fresh-de"),
        criteria=criteria,
    )


def _outline(w: World) -> Any:
    return services.outline_submit(
        grant=w.grant, actor=w.users["applicant"], title="Outline", summary="S"
    )


def _project(w: World) -> Any:
    outline = _outline(w)
    services.outline_decide(
        outline=outline, actor=w.users["officer"], approve=True, justification="Good"
    )
    return services.project_create(outline=outline, actor=w.users["applicant"])


ACTIONS: dict[str, Callable[[World, Any], Any]] = {
    "create application": lambda w, u: services.application_create(
        round=w.round, cluster=w.fresh_cluster, actor=u
    ),
    "edit sketch": lambda w, u: services.application_update_sketch(
        application=w.draft, actor=u, data={"title": "New"}
    ),
    "submit sketch": lambda w, u: services.application_submit(application=w.draft, actor=u),
    "withdraw": lambda w, u: services.application_withdraw(application=w.submitted, actor=u),
    "assign juror": lambda w, u: services.assignment_create(
        application=w.submitted, juror=w.users["unassigned_juror"], actor=u
    ),
    "suggest assignment": lambda w, u: services.assignments_apply(
        pairs=[(w.submitted, w.users["unassigned_juror"])], actor=u
    ),
    "declare conflict": lambda w, u: services.conflict_declare(
        application=w.submitted, juror=u, reason="Friend"
    ),
    "review": lambda w, u: services.review_submit(
        application=w.submitted,
        juror=u,
        scores={criterion.pk: 5 for criterion in w.criteria},
        no_conflict_declared=True,
    ),
    "decide selection": lambda w, u: services.selection_decide(
        round=w.round,
        actor=u,
        decisions=[services.SelectionDecision(w.submitted.pk, True, "Strong")],
    ),
    "view selection board": lambda w, u: selectors.selection_board_for(u, round=w.round),
    "change programme rules": lambda w, u: services.programme_update(
        programme=w.round.programme, actor=u, data={"target_per_round": 12}
    ),
    "change grant budget": lambda w, u: services.grant_change_budget(
        grant=w.grant,
        actor=u,
        amount_eur=Decimal(2100000),
        phase_budgets={PhaseKind.IMPLEMENTATION: Decimal(1600000)},
        justification="More",
    ),
    "plan report": lambda w, u: services.report_schedule(
        grant=w.grant, actor=u, title="Interim", due_on=dt.date(2027, 6, 30)
    ),
    "record spending": lambda w, u: services.expenditure_record(
        phase=w.grant.phases.get(kind=PhaseKind.CONCEPT),
        actor=u,
        amount_eur=Decimal(100),
        spent_on=dt.date(2026, 8, 1),
        description="Travel",
    ),
    "hand in concept": lambda w, u: services.concept_submit(
        grant=w.grant, actor=u, summary="Concept", target_countries=["FR"]
    ),
    "hand in outline": lambda w, u: services.outline_submit(
        grant=w.grant, actor=u, title="Outline", summary="S"
    ),
    "decide outline": lambda w, u: services.outline_decide(
        outline=_outline(w), actor=u, approve=True, justification="Good"
    ),
    "add participant": lambda w, u: services.participant_add(
        project=_project(w), actor=u, organisation_name="MIT", country="US"
    ),
    "update IPR agreement": lambda w, u: services.ipr_agreement_update(
        project=_project(w),
        actor=u,
        status=IPRStatus.NEGOTIATING,
        document=io.BytesIO(b"%PDF-1.7"),
        document_name="ipr.pdf",
        document_size=8,
    ),
}

# Who may do what; every other role is denied. The conflicted juror is refused by the rule
# that names the conflict, not by a missing permission.
ALLOWED = {
    "create application": {"applicant"},
    "edit sketch": {"applicant"},
    "submit sketch": {"applicant"},
    "withdraw": {"applicant"},
    "assign juror": {"officer"},
    "suggest assignment": {"officer"},
    "declare conflict": {"juror", "conflicted_juror"},
    "review": {"juror"},
    "decide selection": {"officer"},
    "view selection board": {"officer"},
    "change programme rules": {"officer"},
    "change grant budget": {"officer"},
    "plan report": {"officer"},
    "record spending": {"applicant", "officer"},
    "hand in concept": {"applicant"},
    "hand in outline": {"applicant"},
    "decide outline": {"officer"},
    "add participant": {"applicant", "officer"},
    "update IPR agreement": {"applicant", "officer"},
}
REFUSED_BY_RULE = {("review", "conflicted_juror")}


def _expected(action: str, role: str) -> str:
    if role in ALLOWED[action]:
        return "ok"
    return "refused" if (action, role) in REFUSED_BY_RULE else "denied"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_against_action(world: World, action: str, role: str) -> None:
    try:
        ACTIONS[action](world, world.users[role])
        outcome = "ok"
    except PermissionDenied:
        outcome = "denied"
    except ValidationError:
        outcome = "refused"

    assert outcome == _expected(action, role)


def test_denied_actions_change_nothing(world: World) -> None:
    states = dict(Application.objects.values_list("pk", "state"))

    for role in ("visitor", "other_manager", "unassigned_juror"):
        for action in ("withdraw", "submit sketch", "decide selection"):
            with pytest.raises(PermissionDenied):
                ACTIONS[action](world, world.users[role])

    assert dict(Application.objects.values_list("pk", "state")) == states
    assert Application.objects.get(pk=world.submitted.pk).state == ApplicationState.SUBMITTED
