"""The whole procedure through the services, from sketch to a running project on the schedule."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from clusterbridge.accounts.models import User
from clusterbridge.audit.models import AuditEntry
from clusterbridge.clusters.models import Cluster
from clusterbridge.programme import selectors, services
from clusterbridge.programme.enums import (
    ApplicationState,
    FundingStatus,
    IPRStatus,
    ProjectState,
)
from clusterbridge.programme.models import Application, ReviewCriterion
from tests.programme.conftest import approve

pytestmark = pytest.mark.django_db(transaction=False)


def test_procedure_runs_from_sketch_to_running_project(
    assigned: Application,
    juror: User,
    officer: User,
    applicant: User,
    partner_cluster: Cluster,
    criteria: list[ReviewCriterion],
) -> None:
    review = services.review_submit(
        application=assigned,
        juror=juror,
        scores={criteria[0].pk: 8, criteria[1].pk: 5},
        comment="Convincing.",
        no_conflict_declared=True,
    )
    board = selectors.selection_board(round=assigned.round)
    grant = approve(assigned, officer, applicant)
    outline = services.outline_submit(grant=grant, actor=applicant, title="Laser", summary="S")
    services.outline_decide(outline=outline, actor=officer, approve=True, justification="Good")
    project = services.project_create(outline=outline, actor=applicant)
    partner = services.participant_add(project=project, actor=applicant, cluster=partner_cluster)
    services.own_funding_set(
        participant=partner,
        actor=applicant,
        source="Région Pays de la Loire",
        amount_eur=Decimal("300000"),
        status=FundingStatus.CONFIRMED,
    )
    started = services.project_transition(project=project, to=ProjectState.RUNNING, actor=applicant)
    agreement = services.ipr_agreement_update(
        project=project,
        actor=applicant,
        status=IPRStatus.SIGNED,
        document=io.BytesIO(b"%PDF-1.7 agreement"),
        document_name="ipr.pdf",
        document_size=18,
        signed_on=dt.date(2027, 1, 5),
    )
    schedule = selectors.schedule(user=officer)

    assert selectors.review_weighted_total(review, criteria) == Decimal("70.00")
    assert board.rows[0].mean == Decimal("70.00")
    assert Application.objects.get(pk=assigned.pk).state == ApplicationState.APPROVED
    assert started.state == ProjectState.RUNNING
    assert agreement.status == IPRStatus.SIGNED
    assert [bar.kind for bar in schedule.rows[0].phases] == ["concept", "implementation"]
    assert AuditEntry.objects.filter(action="programme.application.approved").count() == 1
