"""Fixtures for the programme: a programme with the real measure's rules, an open round with
weighted criteria, and one user per role. Applications are built through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from clusterbridge.accounts.enums import Role
from clusterbridge.accounts.models import User
from clusterbridge.accounts.services import user_grant_role
from clusterbridge.clusters.models import Cluster
from clusterbridge.programme import services
from clusterbridge.programme.enums import ApplicationState, PhaseKind
from clusterbridge.programme.models import (
    Application,
    FundingProgramme,
    Grant,
    ReviewCriterion,
    Round,
)
from clusterbridge.programme.services import BudgetLineIn, PhasePlan


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Many users per test: a fast hasher keeps the suite quick (no test here checks hashing)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Uploaded agreements go to a per-test folder, never into the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def programme(db: None) -> FundingProgramme:
    programme = FundingProgramme(slug="measure", name_en="Internationalisation measure")
    programme.full_clean()
    programme.save()
    return programme


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    user = make_user(username="officer", email="officer@example.org")
    user_grant_role(user=user, role=Role.PROGRAMME_OFFICER)
    return user


@pytest.fixture
def make_juror(make_user: Callable[..., User]) -> Callable[..., User]:
    def make(**overrides: Any) -> User:
        user = make_user(**overrides)
        user_grant_role(user=user, role=Role.JURY_MEMBER)
        return user

    return make


@pytest.fixture
def juror(make_juror: Callable[..., User]) -> User:
    return make_juror(username="juror", email="juror@example.org", organisation="Uni Somewhere")


@pytest.fixture
def open_round(programme: FundingProgramme, officer: User, today: dt.date) -> Round:
    round = services.round_create(
        programme=programme,
        actor=officer,
        year=today.year,
        call_opens=today - dt.timedelta(days=30),
        call_closes=today + dt.timedelta(days=30),
        budget_eur=Decimal("10000000"),
        target_selected=2,
    )
    services.criterion_create(
        round=round, actor=officer, name_en="Complementarity", weight=Decimal(2)
    )
    services.criterion_create(round=round, actor=officer, name_en="Feasibility", weight=Decimal(1))
    return round


@pytest.fixture
def unprepared(
    make_application: Callable[..., Application], programme: FundingProgramme, officer: User
) -> Application:
    """A submitted sketch in next year's open round, which has no review criteria yet."""
    today = timezone.localdate()
    round = services.round_create(
        programme=programme,
        actor=officer,
        year=today.year + 1,
        call_opens=today - dt.timedelta(days=1),
        call_closes=today + dt.timedelta(days=30),
    )
    return make_application(round=round, lines=budget(year=round.year))


@pytest.fixture
def criteria(open_round: Round) -> list[ReviewCriterion]:
    return list(open_round.criteria.all())


@pytest.fixture
def german_cluster(make_cluster: Callable[..., Cluster]) -> Cluster:
    return make_cluster(
        slug="photonics-de", name="Photonics DE", management_organisation="Photonics DE e.V."
    )


@pytest.fixture
def partner_cluster(make_cluster: Callable[..., Cluster]) -> Cluster:
    return make_cluster(
        slug="photonics-fr",
        name="Photonique FR",
        country="FR",
        region="",
        management_organisation="Pôle Photonique",
    )


@pytest.fixture
def applicant(make_user: Callable[..., User], german_cluster: Cluster) -> User:
    user = make_user(username="applicant", email="applicant@example.org")
    german_cluster.managers.add(user)
    return user


@pytest.fixture
def other_manager(make_user: Callable[..., User], make_cluster: Callable[..., Cluster]) -> User:
    user = make_user(username="othermanager", email="other@example.org")
    make_cluster(slug="other-de", name="Other DE").managers.add(user)
    return user


@pytest.fixture
def visitor() -> AnonymousUser:
    return AnonymousUser()


def budget(concept: str = "500000", implementation: str = "1500000", year: int = 0) -> list[Any]:
    year = year or timezone.localdate().year
    return [
        BudgetLineIn(phase=PhaseKind.CONCEPT, year=year, amount_eur=Decimal(concept)),
        BudgetLineIn(
            phase=PhaseKind.IMPLEMENTATION, year=year + 2, amount_eur=Decimal(implementation)
        ),
    ]


@pytest.fixture
def make_application(
    open_round: Round, german_cluster: Cluster, applicant: User, partner_cluster: Cluster
) -> Callable[..., Application]:
    """A sketch through the service; `submit=True` submits it while the call is open."""

    def make(
        *,
        cluster: Cluster | None = None,
        actor: User | None = None,
        submit: bool = True,
        lines: list[Any] | None = None,
        round: Round | None = None,
    ) -> Application:
        application = services.application_create(
            round=round or open_round,
            cluster=cluster or german_cluster,
            actor=actor or applicant,
            title="Photonics for the Loire",
            idea="Joint laser research with French partners.",
            target_countries=["FR"],
            target_regions=["Pays de la Loire"],
            partner_candidates=[partner_cluster],
            budget_lines=budget() if lines is None else lines,
        )
        if submit:
            application = services.application_submit(
                application=application, actor=actor or applicant
            )
        return application

    return make


@pytest.fixture
def submitted(make_application: Callable[..., Application]) -> Application:
    return make_application()


@pytest.fixture
def assigned(submitted: Application, juror: User, officer: User) -> Application:
    services.assignment_create(application=submitted, juror=juror, actor=officer)
    return submitted


@dataclass
class GrantSetup:
    application: Application
    grant: Grant


def approve(application: Application, officer: User, applicant: User, **grant: Any) -> Grant:
    """Moves a submitted sketch through recommendation, formal application and agency review to
    an approved application with its grant."""
    services.application_transition(
        application=application,
        to=ApplicationState.RECOMMENDED,
        actor=officer,
        justification="Strong fit",
        presentation_on=timezone.localdate(),
    )
    services.application_update_formal(
        application=application, actor=applicant, formal_text="The formal application."
    )
    services.application_submit(application=application, actor=applicant)
    services.application_transition(
        application=application, to=ApplicationState.AGENCY_REVIEW, actor=officer
    )
    start = grant.pop("starts_on", dt.date(2026, 7, 1))
    values: dict[str, Any] = {
        "amount_eur": Decimal("2000000"),
        "starts_on": start,
        "ends_on": dt.date(start.year + 5, start.month, 1) - dt.timedelta(days=1),
        "concept": PhasePlan(
            starts_on=start,
            ends_on=dt.date(start.year + 2, start.month, 1) - dt.timedelta(days=1),
            budget_eur=Decimal("500000"),
        ),
        "implementation": PhasePlan(
            starts_on=dt.date(start.year + 1, start.month, 1),
            ends_on=dt.date(start.year + 4, start.month, 1) - dt.timedelta(days=1),
            budget_eur=Decimal("1500000"),
        ),
    }
    values.update(grant)
    return services.application_approve(
        application=application, actor=officer, justification="Approved by the ministry", **values
    )


@pytest.fixture
def grant(submitted: Application, officer: User, applicant: User) -> Grant:
    return approve(submitted, officer, applicant)
