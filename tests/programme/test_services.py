"""Every programme rule through the services: each violation is refused with a message naming
the rule, and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterbridge.accounts.models import User
from clusterbridge.audit.models import AuditEntry
from clusterbridge.clusters.models import Cluster, Member
from clusterbridge.programme import selectors, services
from clusterbridge.programme.enums import (
    ApplicationState,
    FundingStatus,
    IPRStatus,
    OutlineState,
    PhaseKind,
    ProjectState,
)
from clusterbridge.programme.models import (
    Application,
    CollaborativeProject,
    Grant,
    Phase,
    ReviewCriterion,
    Round,
)
from clusterbridge.programme.services import BudgetLineIn, PhasePlan, SelectionDecision
from clusterbridge.programme.validators import last_day_within
from tests.programme.conftest import approve, budget

pytestmark = pytest.mark.django_db


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# Applications -----------------------------------------------------------------------------------


def test_application_create_over_cap_budget_refused(
    make_application: Callable[..., Application],
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_application(lines=budget(concept="1000000", implementation="3000000.01"))

    assert _messages(caught)["budget_lines"] == [
        "Grant at most 4,000,000 EUR (programme rule); 4,000,000 EUR requested."
    ]
    assert Application.objects.count() == 0


def test_application_create_twice_for_same_round_refused(
    make_application: Callable[..., Application],
) -> None:
    make_application()

    with pytest.raises(ValidationError) as caught:
        make_application()

    assert _messages(caught)["cluster"] == [
        "One application per cluster per round (programme rule): "
        f"Photonics DE has already applied in {Application.objects.get().round.year}."
    ]
    assert Application.objects.count() == 1


def test_application_submit_after_call_closes_refused(
    make_application: Callable[..., Application], open_round: Round, applicant: User
) -> None:
    draft = make_application(submit=False)
    closed = open_round.call_closes + dt.timedelta(days=1)

    with freeze_time(closed), pytest.raises(ValidationError) as caught:
        services.application_submit(application=draft, actor=applicant)

    assert _messages(caught)["state"] == [
        "No application after the call closes (programme rule): "
        f"the call closed on {open_round.call_closes}."
    ]
    assert Application.objects.get(pk=draft.pk).state == ApplicationState.DRAFT


def test_application_submit_on_closing_day_accepted(
    make_application: Callable[..., Application], open_round: Round, applicant: User
) -> None:
    draft = make_application(submit=False)

    with freeze_time(dt.datetime.combine(open_round.call_closes, dt.time(21, 0))):
        submitted = services.application_submit(application=draft, actor=applicant)

    assert submitted.state == ApplicationState.SUBMITTED


def test_application_create_after_call_closes_refused(
    make_application: Callable[..., Application], open_round: Round
) -> None:
    with (
        freeze_time(open_round.call_closes + dt.timedelta(days=1)),
        pytest.raises(ValidationError) as caught,
    ):
        make_application(submit=False)

    assert list(_messages(caught)) == ["round"]
    assert Application.objects.count() == 0


def test_application_submit_incomplete_sketch_names_missing_fields(
    open_round: Round, german_cluster: Cluster, applicant: User
) -> None:
    draft = services.application_create(round=open_round, cluster=german_cluster, actor=applicant)

    with pytest.raises(ValidationError) as caught:
        services.application_submit(application=draft, actor=applicant)

    assert sorted(_messages(caught)) == ["budget_lines", "idea", "target_countries", "title"]


def test_application_german_partner_candidate_refused(
    open_round: Round, german_cluster: Cluster, applicant: User, make_cluster: Any
) -> None:
    other = make_cluster(slug="de-2", name="Another German")

    with pytest.raises(ValidationError) as caught:
        services.application_create(
            round=open_round, cluster=german_cluster, actor=applicant, partner_candidates=[other]
        )

    assert _messages(caught)["partner_candidates"] == [
        "Partner candidates are clusters abroad; these are German: Another German"
    ]


def test_application_for_foreign_cluster_refused(
    open_round: Round, partner_cluster: Cluster, make_user: Any
) -> None:
    manager = make_user()
    partner_cluster.managers.add(manager)

    with pytest.raises(PermissionDenied):
        services.application_create(round=open_round, cluster=partner_cluster, actor=manager)


def test_application_unknown_target_country_refused(
    open_round: Round, german_cluster: Cluster, applicant: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.application_create(
            round=open_round, cluster=german_cluster, actor=applicant, target_countries=["XX"]
        )

    assert _messages(caught)["target_countries"] == ["Not ISO 3166-1 alpha-2 country codes: XX"]


def test_application_transition_not_allowed_move_refused(
    submitted: Application, officer: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.application_transition(
            application=submitted, to=ApplicationState.APPROVED, actor=officer, justification="x"
        )

    assert _messages(caught)["state"] == [
        "An application cannot go from “Sketch submitted” to “Approved”."
    ]


def test_application_withdraw_by_applicant_logged(submitted: Application, applicant: User) -> None:
    services.application_withdraw(application=submitted, actor=applicant, justification="Later")

    entry = AuditEntry.objects.get(action="programme.application.withdrawn")
    assert (submitted.state, entry.actor, entry.changes["state"]) == (
        ApplicationState.WITHDRAWN,
        applicant,
        ["submitted", "withdrawn"],
    )


def test_application_submit_mails_officers_and_applicants_after_commit(
    make_application: Callable[..., Application],
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_application()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "applicant@example.org",
        "officer@example.org",
    ]


def test_application_budget_change_logged(
    make_application: Callable[..., Application], applicant: User
) -> None:
    draft = make_application(submit=False)

    services.application_update_sketch(
        application=draft, actor=applicant, data={}, budget_lines=budget(concept="600000")
    )

    entry = AuditEntry.objects.get(action="programme.application.budget_changed")
    year = draft.round.year
    assert entry.changes["budget_lines"] == [
        [["concept", year, "500000.00"], ["implementation", year + 2, "1500000.00"]],
        [["concept", year, "600000.00"], ["implementation", year + 2, "1500000.00"]],
    ]


def test_application_budget_year_outside_grant_refused(
    make_application: Callable[..., Application], open_round: Round
) -> None:
    lines = [BudgetLineIn(PhaseKind.CONCEPT, open_round.year - 1, Decimal(1000))]

    with pytest.raises(ValidationError) as caught:
        make_application(lines=lines)

    assert list(_messages(caught)) == ["budget_lines.0.year"]


# Review ---------------------------------------------------------------------------------------


def test_assignment_of_juror_from_applying_management_refused(
    submitted: Application, officer: User, make_juror: Callable[..., User]
) -> None:
    insider = make_juror(organisation="  photonics de E.V. ")

    with pytest.raises(ValidationError) as caught:
        services.assignment_create(application=submitted, juror=insider, actor=officer)

    assert _messages(caught)["juror"] == [
        "No review by a conflicted juror (programme rule): Photonics DE e.V. runs Photonics DE."
    ]


def test_assignment_of_juror_from_partner_member_refused(
    submitted: Application,
    officer: User,
    partner_cluster: Cluster,
    make_juror: Callable[..., User],
) -> None:
    from clusterbridge.taxonomy.models import MemberType
    from clusterbridge.taxonomy.services import taxonomy_sync

    taxonomy_sync()
    Member.objects.create(
        cluster=partner_cluster, name="Laser Lab SAS", member_type=MemberType.objects.first()
    )
    member = make_juror(organisation="Laser Lab SAS")

    with pytest.raises(ValidationError) as caught:
        services.assignment_create(application=submitted, juror=member, actor=officer)

    assert _messages(caught)["juror"] == [
        "No review by a conflicted juror (programme rule): "
        "Laser Lab SAS is a member of Photonique FR."
    ]


def test_assignment_of_non_juror_refused(
    submitted: Application, officer: User, applicant: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.assignment_create(application=submitted, juror=applicant, actor=officer)

    assert _messages(caught)["juror"] == ["applicant is not a jury member."]


def test_assignment_in_a_round_without_criteria_refused_naming_them(
    unprepared: Application, officer: User, juror: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.assignment_create(application=unprepared, juror=juror, actor=officer)

    assert _messages(caught) == {
        "round": ["This round has no review criteria yet: add criteria before assigning jurors."]
    }
    assert unprepared.assignments.count() == 0
    assert AuditEntry.objects.filter(action="programme.assignment.created").count() == 0


def test_assignment_mails_juror_and_is_logged(
    submitted: Application, officer: User, juror: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_create(application=submitted, juror=juror, actor=officer)

    assert [message.to for message in mail.outbox] == [["juror@example.org"]]
    assert AuditEntry.objects.get(action="programme.assignment.created").changes == {
        "juror": "juror"
    }


def test_assignment_suggest_balances_load_and_avoids_conflicts(
    make_application: Callable[..., Application],
    make_cluster: Any,
    make_user: Any,
    make_juror: Callable[..., User],
    officer: User,
) -> None:
    first = make_application()
    second_cluster = make_cluster(slug="b-de", name="B DE", management_organisation="B e.V.")
    second_manager = make_user()
    second_cluster.managers.add(second_manager)
    second = make_application(cluster=second_cluster, actor=second_manager)
    a = make_juror(username="a")
    make_juror(username="b")
    make_juror(username="c", organisation="B e.V.")
    services.assignment_create(application=first, juror=a, actor=officer)

    proposal = services.assignment_suggest(round=first.round, per_application=2)

    # c works for B's management: never proposed for B. a already reviews one, so b comes
    # first for B, and the least loaded free juror, c, completes Photonics DE.
    assert [(item.application.cluster.name, item.juror.username) for item in proposal] == [
        ("B DE", "b"),
        ("B DE", "a"),
        ("Photonics DE", "c"),
    ]
    assert second.assignments.count() == 0


def test_review_weighted_total_and_audit(
    assigned: Application, juror: User, criteria: list[ReviewCriterion]
) -> None:
    services.review_submit(
        application=assigned,
        juror=juror,
        scores={criteria[0].pk: 10, criteria[1].pk: 4},
        comment="Good",
        no_conflict_declared=True,
    )

    entry = AuditEntry.objects.get(action="programme.review.submitted")
    assert entry.changes["weighted_total"] == "80.00"


@pytest.mark.parametrize("score", [-1, 11, 100])
def test_review_score_out_of_range_refused(
    assigned: Application, juror: User, criteria: list[ReviewCriterion], score: int
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.review_submit(
            application=assigned,
            juror=juror,
            scores={criteria[0].pk: score, criteria[1].pk: 5},
            no_conflict_declared=True,
        )

    assert _messages(caught)[f"scores.{criteria[0].pk}"] == [
        "Complementarity is scored from 0 to 10 (round rule)."
    ]
    assert assigned.reviews.count() == 0


def test_review_missing_criterion_refused(
    assigned: Application, juror: User, criteria: list[ReviewCriterion]
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.review_submit(
            application=assigned,
            juror=juror,
            scores={criteria[0].pk: 5},
            no_conflict_declared=True,
        )

    assert list(_messages(caught)) == [f"scores.{criteria[1].pk}"]


def test_review_without_conflict_declaration_refused(
    assigned: Application, juror: User, criteria: list[ReviewCriterion]
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.review_submit(
            application=assigned,
            juror=juror,
            scores={criterion.pk: 5 for criterion in criteria},
            no_conflict_declared=False,
        )

    assert list(_messages(caught)) == ["no_conflict_declared"]


def test_review_by_unassigned_juror_refused_naming_rule(
    submitted: Application, juror: User, criteria: list[ReviewCriterion]
) -> None:
    with pytest.raises(PermissionDenied) as caught:
        services.review_submit(
            application=submitted,
            juror=juror,
            scores={criterion.pk: 5 for criterion in criteria},
            no_conflict_declared=True,
        )

    assert str(caught.value) == (
        "No review by an unassigned juror (programme rule): only assigned jurors review."
    )


def test_conflict_declared_removes_review_and_hides_application(
    assigned: Application, juror: User, criteria: list[ReviewCriterion]
) -> None:
    services.review_submit(
        application=assigned,
        juror=juror,
        scores={criterion.pk: 5 for criterion in criteria},
        no_conflict_declared=True,
    )

    services.conflict_declare(application=assigned, juror=juror, reason="Former employer")

    assert assigned.reviews.count() == 0
    assert list(selectors.applications_visible_to(juror, round=assigned.round)) == []
    with pytest.raises(ValidationError) as caught:
        services.review_submit(
            application=assigned,
            juror=juror,
            scores={criterion.pk: 5 for criterion in criteria},
            no_conflict_declared=True,
        )
    assert _messages(caught)["juror"] == [
        "No review by a conflicted juror (programme rule): Former employer."
    ]


def test_criteria_fixed_once_reviews_exist(
    assigned: Application, juror: User, officer: User, criteria: list[ReviewCriterion]
) -> None:
    services.review_submit(
        application=assigned,
        juror=juror,
        scores={criterion.pk: 5 for criterion in criteria},
        no_conflict_declared=True,
    )

    with pytest.raises(ValidationError):
        services.criterion_create(round=assigned.round, actor=officer, name_en="Late")

    assert assigned.round.criteria.count() == 2


# Selection ------------------------------------------------------------------------------------


def test_selection_decide_needs_justification_for_each_and_changes_nothing(
    submitted: Application, officer: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.selection_decide(
            round=submitted.round,
            actor=officer,
            decisions=[SelectionDecision(submitted.pk, True, "  ")],
        )

    assert _messages(caught) == {
        "decisions.0.justification": ["Every decision needs a written justification."]
    }
    assert Application.objects.get(pk=submitted.pk).state == ApplicationState.SUBMITTED


def test_selection_decide_warns_over_target_and_budget(
    make_application: Callable[..., Application],
    make_cluster: Any,
    make_user: Any,
    officer: User,
    open_round: Round,
) -> None:
    services.round_update(
        round=open_round, actor=officer, data={"target_selected": 1, "budget_eur": Decimal(3000000)}
    )
    first = make_application()
    cluster = make_cluster(slug="b-de", name="B DE")
    manager = make_user()
    cluster.managers.add(manager)
    second = make_application(cluster=cluster, actor=manager)

    outcome = services.selection_decide(
        round=open_round,
        actor=officer,
        decisions=[
            SelectionDecision(first.pk, True, "Strong"),
            SelectionDecision(second.pk, True, "Also strong"),
        ],
    )

    assert outcome.warnings == [
        "2 clusters selected, more than the round's target of 1.",
        "The selection requests 4,000,000 EUR, more than the round's budget of 3,000,000 EUR.",
    ]
    assert [a.state for a in outcome.applications] == [ApplicationState.RECOMMENDED] * 2
    assert AuditEntry.objects.filter(action="programme.application.recommended").count() == 2


def test_selection_decide_rejects_with_justification_and_mails(
    submitted: Application, officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.selection_decide(
            round=submitted.round,
            actor=officer,
            decisions=[SelectionDecision(submitted.pk, False, "Too little complementarity")],
        )

    submitted.refresh_from_db()
    assert (submitted.state, submitted.panel_justification) == (
        ApplicationState.NOT_RECOMMENDED,
        "Too little complementarity",
    )
    assert [message.to for message in mail.outbox] == [["applicant@example.org"]]
    assert "Too little complementarity" in mail.outbox[0].body


# Grants and phases ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "start_of_message"),
    [
        (
            {"amount_eur": Decimal("4000001"), "concept": None},
            "amount_eur",
            "Grant at most 4,000,000 EUR (programme rule)",
        ),
        (
            {"concept": PhasePlan(dt.date(2026, 7, 1), dt.date(2028, 7, 1), Decimal(500000))},
            "concept_ends_on",
            "Concept phase at most 24 months (programme rule)",
        ),
        (
            {
                "implementation": PhasePlan(
                    dt.date(2027, 7, 1), dt.date(2030, 7, 1), Decimal(1500000)
                )
            },
            "implementation_ends_on",
            "Implementation phase at most 36 months (programme rule)",
        ),
        (
            {"ends_on": dt.date(2031, 7, 1)},
            "ends_on",
            "Grant at most 60 months in all (programme rule)",
        ),
        (
            {"concept": PhasePlan(dt.date(2026, 7, 1), dt.date(2028, 6, 30), Decimal(400000))},
            "budget_eur",
            "Phase budgets must add up to the grant (programme rule)",
        ),
    ],
)
def test_grant_rules_refuse_and_undo_the_approval(
    submitted: Application,
    officer: User,
    applicant: User,
    overrides: dict[str, Any],
    field: str,
    start_of_message: str,
) -> None:
    if overrides.get("concept", "") is None:
        overrides["concept"] = PhasePlan(
            dt.date(2026, 7, 1), dt.date(2028, 6, 30), Decimal("2500001")
        )

    with pytest.raises(ValidationError) as caught:
        approve(submitted, officer, applicant, **overrides)

    assert _messages(caught)[field][0].startswith(start_of_message)
    assert Application.objects.get(pk=submitted.pk).state == ApplicationState.AGENCY_REVIEW
    assert Grant.objects.count() == 0


def test_grant_rules_come_from_the_programme(
    submitted: Application, officer: User, applicant: User
) -> None:
    services.programme_update(
        programme=submitted.round.programme, actor=officer, data={"concept_max_months": 12}
    )

    with pytest.raises(ValidationError) as caught:
        approve(submitted, officer, applicant)

    assert _messages(caught)["concept_ends_on"][0].startswith(
        "Concept phase at most 12 months (programme rule)"
    )


def test_grant_funding_rate_taken_from_programme(grant: Grant) -> None:
    assert grant.german_funding_rate == Decimal("0.500")


def test_grant_change_budget_must_sum_and_is_logged(grant: Grant, officer: User) -> None:
    with pytest.raises(ValidationError) as caught:
        services.grant_change_budget(
            grant=grant,
            actor=officer,
            amount_eur=Decimal(3000000),
            phase_budgets={"concept": Decimal(500000)},
            justification="More partners",
        )
    assert _messages(caught)["phase_budgets"][0].startswith(
        "Phase budgets must add up to the grant (programme rule)"
    )

    services.grant_change_budget(
        grant=grant,
        actor=officer,
        amount_eur=Decimal(3000000),
        phase_budgets={"implementation": Decimal(2500000)},
        justification="More partners",
    )

    entry = AuditEntry.objects.get(action="programme.grant.budget_changed")
    assert entry.changes == {
        "amount_eur": ["2000000.00", "3000000"],
        "implementation": ["1500000.00", "2500000"],
        "justification": "More partners",
    }


def test_expenditure_beyond_remaining_refused(grant: Grant, applicant: User) -> None:
    concept = grant.phases.get(kind=PhaseKind.CONCEPT)
    services.expenditure_record(
        phase=concept,
        actor=applicant,
        amount_eur=Decimal("499000"),
        spent_on=dt.date(2026, 8, 1),
        description="Travel",
    )

    with pytest.raises(ValidationError) as caught:
        services.expenditure_record(
            phase=concept,
            actor=applicant,
            amount_eur=Decimal("1000.01"),
            spent_on=dt.date(2026, 8, 2),
            description="More travel",
        )

    assert _messages(caught)["amount_eur"] == [
        "Spending cannot exceed the phase budget (programme rule): 1,000.00 EUR remain."
    ]
    assert selectors.phase_remaining(phase=concept) == Decimal("1000.00")
    assert [
        (b.phase.kind, b.spent_eur, b.remaining_eur) for b in selectors.phase_budgets(grant=grant)
    ] == [
        ("concept", Decimal("499000.00"), Decimal("1000.00")),
        ("implementation", Decimal(0), Decimal("1500000.00")),
    ]


def test_phase_reschedule_keeps_the_rules(grant: Grant, officer: User) -> None:
    concept = grant.phases.get(kind=PhaseKind.CONCEPT)

    with pytest.raises(ValidationError) as caught:
        services.phase_reschedule(
            phase=concept,
            actor=officer,
            starts_on=concept.starts_on,
            ends_on=concept.starts_on + dt.timedelta(days=800),
            justification="Delay",
        )

    assert list(_messages(caught)) == ["concept_ends_on"]
    assert Phase.objects.get(pk=concept.pk).ends_on == concept.ends_on


# Outlines, projects, funding, IPR -------------------------------------------------------------


@pytest.fixture
def project(grant: Grant, applicant: User, officer: User) -> CollaborativeProject:
    outline = services.outline_submit(grant=grant, actor=applicant, title="Laser", summary="S")
    services.outline_decide(outline=outline, actor=officer, approve=True, justification="Good")
    return services.project_create(outline=outline, actor=applicant)


def test_project_before_outline_approved_refused(grant: Grant, applicant: User) -> None:
    outline = services.outline_submit(grant=grant, actor=applicant, title="Laser", summary="S")

    with pytest.raises(ValidationError) as caught:
        services.project_create(outline=outline, actor=applicant)

    assert _messages(caught)["outline"] == [
        "No implementation project before its outline is approved (programme rule)."
    ]
    assert outline.state == OutlineState.SUBMITTED
    assert CollaborativeProject.objects.count() == 0


def test_project_start_without_confirmed_own_funding_refused(
    project: CollaborativeProject, applicant: User, partner_cluster: Cluster
) -> None:
    partner = services.participant_add(project=project, actor=applicant, cluster=partner_cluster)
    services.own_funding_set(
        participant=partner,
        actor=applicant,
        source="Regional council",
        amount_eur=Decimal(100000),
        status=FundingStatus.COMMITTED,
    )

    with pytest.raises(ValidationError) as caught:
        services.project_transition(project=project, to=ProjectState.RUNNING, actor=applicant)

    assert _messages(caught)["participants"] == [
        "No project start without partners' own funding (programme rule): "
        "not confirmed for Photonique FR."
    ]
    assert CollaborativeProject.objects.get(pk=project.pk).state == ProjectState.PLANNED


def test_project_start_without_international_participant_refused(
    project: CollaborativeProject, applicant: User, german_cluster: Cluster
) -> None:
    services.participant_add(
        project=project, actor=applicant, cluster=german_cluster, german_funding_eur=Decimal(1)
    )

    with pytest.raises(ValidationError) as caught:
        services.project_transition(project=project, to=ProjectState.RUNNING, actor=applicant)

    assert list(_messages(caught)) == ["participants"]


def test_participant_international_cannot_take_federal_funding(
    project: CollaborativeProject, applicant: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.participant_add(
            project=project,
            actor=applicant,
            organisation_name="MIT",
            country="US",
            german_funding_eur=Decimal(1000),
        )

    assert list(_messages(caught)) == ["german_funding_eur"]


def test_project_equal_footing_side_by_side(
    project: CollaborativeProject,
    applicant: User,
    german_cluster: Cluster,
    partner_cluster: Cluster,
) -> None:
    services.participant_add(
        project=project,
        actor=applicant,
        cluster=german_cluster,
        know_how="Laser sources",
        division_of_work="Prototype",
        german_funding_eur=Decimal(400000),
    )
    partner = services.participant_add(
        project=project,
        actor=applicant,
        cluster=partner_cluster,
        know_how="Optics",
        division_of_work="Testing",
    )
    services.own_funding_set(
        participant=partner,
        actor=applicant,
        source="Région",
        amount_eur=Decimal(300000),
        status=FundingStatus.CONFIRMED,
    )
    services.own_funding_set(
        participant=partner,
        actor=applicant,
        source="Industry",
        amount_eur=Decimal(100000),
        status=FundingStatus.PLANNED,
    )

    rows = selectors.project_equal_footing(project=project)

    assert [
        (r.participant.name, r.funding_eur, r.confirmed_eur, r.know_how, r.management_organisation)
        for r in rows
    ] == [
        ("Photonics DE", Decimal(400000), Decimal(400000), "Laser sources", "Photonics DE e.V."),
        ("Photonique FR", Decimal(400000), Decimal(300000), "Optics", "Pôle Photonique"),
    ]


def test_ipr_signed_without_document_refused(
    project: CollaborativeProject, applicant: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.ipr_agreement_update(
            project=project,
            actor=applicant,
            status=IPRStatus.SIGNED,
            signed_on=dt.date(2027, 1, 1),
        )

    assert _messages(caught)["document"] == ["A signed agreement has its document attached (PDF)."]


def test_ipr_upload_not_pdf_refused(project: CollaborativeProject, applicant: User) -> None:
    with pytest.raises(ValidationError) as caught:
        services.ipr_agreement_update(
            project=project,
            actor=applicant,
            status=IPRStatus.NEGOTIATING,
            document=io.BytesIO(b"<html>not a pdf</html>"),
            document_name="agreement.pdf",
            document_size=22,
        )

    assert _messages(caught)["document"] == [
        "Only PDF documents are accepted: the file does not start like a PDF."
    ]
    assert project.ipr_agreement.status == IPRStatus.DRAFT


def test_ipr_document_stored_under_fixed_name(
    project: CollaborativeProject, applicant: User, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path

    agreement = services.ipr_agreement_update(
        project=project,
        actor=applicant,
        status=IPRStatus.NEGOTIATING,
        document=io.BytesIO(b"%PDF-1.7 draft"),
        document_name="../../etc/passwd.pdf",
        document_size=14,
    )

    assert agreement.document.name == f"programme/ipr/project-{project.pk}.pdf"


# Reports ----------------------------------------------------------------------------------------


def test_programme_remind_sends_once_and_flags_late(
    grant: Grant, officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    services.report_schedule(
        grant=grant, actor=officer, title="Interim", due_on=dt.date(2027, 1, 31)
    )
    services.report_schedule(
        grant=grant, actor=officer, title="Concept", due_on=dt.date(2026, 12, 1)
    )
    out = io.StringIO()

    with freeze_time("2027-01-20"), django_capture_on_commit_callbacks(execute=True):
        call_command("programme_remind", "--days", "14", stdout=out)
        call_command("programme_remind", "--days", "14", stdout=out)

    assert out.getvalue().splitlines() == [
        "1 reminder(s) sent, 1 late report(s) flagged.",
        "0 reminder(s) sent, 0 late report(s) flagged.",
    ]
    assert sorted((m.subject, m.to[0]) for m in mail.outbox) == [
        ("Report “Concept” is late", "applicant@example.org"),
        ("Report “Concept” is late", "officer@example.org"),
        ("Report “Interim” due on 31 January 2027", "applicant@example.org"),
    ]


def test_schedule_flags_late_reports_and_marks_today(grant: Grant, officer: User) -> None:
    services.report_schedule(
        grant=grant, actor=officer, title="Concept", due_on=dt.date(2026, 12, 1)
    )

    data = selectors.schedule(user=officer, today=dt.date(2027, 1, 1))
    public = selectors.schedule(today=dt.date(2027, 1, 1))

    assert data.today == dt.date(2027, 1, 1)
    assert [(r.title, r.late) for r in data.rows[0].reports] == [("Concept", True)]
    assert public.rows[0].reports == []
    out = io.StringIO()
    assert selectors.schedule_csv(data, out) == 3
    assert out.getvalue().splitlines()[0] == (
        "round,cluster,item,kind,starts_on,ends_on,budget_eur,submitted_on,late,is_sample"
    )


# Property tests through the service ---------------------------------------------------------


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    amounts=st.lists(
        st.decimals(min_value=0, max_value=3_000_000, places=2, allow_nan=False),
        min_size=1,
        max_size=4,
    )
)
def test_sketch_budget_accepted_iff_within_cap_and_unchanged_otherwise(
    make_application: Callable[..., Application], applicant: User, amounts: list[Decimal]
) -> None:
    draft = Application.objects.filter(state=ApplicationState.DRAFT).first() or make_application(
        submit=False
    )
    before = list(draft.budget_lines.values_list("amount_eur", flat=True).order_by("pk"))
    lines = [BudgetLineIn(PhaseKind.CONCEPT, draft.round.year, amount) for amount in amounts]

    if sum(amounts) <= Decimal(4_000_000):
        services.application_update_sketch(
            application=draft, actor=applicant, data={}, budget_lines=lines
        )
        after = list(draft.budget_lines.values_list("amount_eur", flat=True).order_by("pk"))
        assert after == amounts
    else:
        with pytest.raises(ValidationError) as caught:
            services.application_update_sketch(
                application=draft, actor=applicant, data={}, budget_lines=lines
            )
        assert _messages(caught)["budget_lines"][0].startswith(
            "Grant at most 4,000,000 EUR (programme rule)"
        )
        after = list(draft.budget_lines.values_list("amount_eur", flat=True).order_by("pk"))
        assert after == before


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(days=st.integers(min_value=-30, max_value=1200))
def test_concept_reschedule_accepted_iff_within_24_months(
    grant: Grant, officer: User, days: int
) -> None:
    concept = Phase.objects.get(grant=grant, kind=PhaseKind.CONCEPT)
    previous_end = concept.ends_on
    end = concept.starts_on + dt.timedelta(days=days)
    allowed = concept.starts_on < end <= last_day_within(concept.starts_on, 24)

    try:
        services.phase_reschedule(
            phase=concept,
            actor=officer,
            starts_on=concept.starts_on,
            ends_on=end,
            justification="Property test",
        )
        accepted = True
    except ValidationError:
        accepted = False

    assert accepted == allowed
    assert Phase.objects.get(pk=concept.pk).ends_on == (end if allowed else previous_end)


def test_application_country_codes_normalised(
    open_round: Round, german_cluster: Cluster, applicant: User
) -> None:
    application = services.application_create(
        round=open_round,
        cluster=german_cluster,
        actor=applicant,
        target_countries=[" fr", "FR", "us "],
        target_regions=[" Pays de la Loire ", ""],
    )

    assert (application.target_countries, application.target_regions) == (
        ["FR", "US"],
        ["Pays de la Loire"],
    )


def test_decision_mail_in_recipients_language(
    submitted: Application, officer: User, applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    applicant.preferred_language = "de"
    applicant.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.selection_decide(
            round=submitted.round,
            actor=officer,
            decisions=[SelectionDecision(submitted.pk, True, "Stark")],
        )

    assert mail.outbox[0].subject == (
        f"Photonics DE, Runde {submitted.round.year}: Von der Jury empfohlen"
    )


def test_failed_decision_sends_no_mail(
    submitted: Application, officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.selection_decide(
            round=submitted.round,
            actor=officer,
            decisions=[
                SelectionDecision(submitted.pk, True, "Strong"),
                SelectionDecision(999999, True, "Unknown"),
            ],
        )

    assert mail.outbox == []
    assert Application.objects.get(pk=submitted.pk).state == ApplicationState.SUBMITTED


def test_application_for_round_without_deadline_refused(
    programme: Any, officer: User, german_cluster: Cluster, applicant: User
) -> None:
    past = services.round_create(
        programme=programme, actor=officer, year=2016, call_opens=dt.date(2015, 11, 23)
    )

    with pytest.raises(ValidationError) as caught:
        services.application_create(round=past, cluster=german_cluster, actor=applicant)

    assert _messages(caught)["round"] == ["The call for round 2016 is not open."]


def test_phase_add_implementation_later_keeps_budgets_adding_up(
    submitted: Application, officer: User, applicant: User
) -> None:
    grant = approve(
        submitted,
        officer,
        applicant,
        amount_eur=Decimal(500000),
        implementation=None,
    )
    plan = PhasePlan(dt.date(2027, 7, 1), dt.date(2030, 6, 30), Decimal(1500000))

    with pytest.raises(ValidationError) as caught:
        services.phase_add(
            grant=grant, actor=officer, kind=PhaseKind.IMPLEMENTATION, plan=plan, justification="x"
        )
    assert _messages(caught)["budget_eur"][0].startswith(
        "Phase budgets must add up to the grant (programme rule)"
    )

    phase = services.phase_add(
        grant=grant,
        actor=officer,
        kind=PhaseKind.IMPLEMENTATION,
        plan=plan,
        justification="Concept done",
        amount_eur=Decimal(2000000),
    )

    assert (grant.amount_eur, phase.budget_eur) == (Decimal("2000000.00"), Decimal(1500000))
    assert AuditEntry.objects.get(action="programme.phase.added").changes["amount_eur"] == [
        "500000.00",
        "2000000",
    ]
