"""The funding programme under /api/v1/programme. Rounds and the schedule of phases are public;
everything else needs a bearer token, and every list or object starts from a visibility
selector (an object the token's user may not see is a 404, never a 403). Endpoints parse, call
one service or selector and shape the answer; the services check the permissions again and
raise ValidationError naming the rule, which `api.root` turns into problem+json (422)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from clusterbridge.accounts.models import User
from clusterbridge.api.auth import TokenAuth
from clusterbridge.api.problems import problem_responses
from clusterbridge.clusters.models import Cluster
from clusterbridge.common import spreadsheet
from clusterbridge.programme import selectors, services
from clusterbridge.programme.enums import IPRStatus
from clusterbridge.programme.models import (
    Application,
    CollaborativeProject,
    FundingProgramme,
    Grant,
    Participant,
    ProjectOutline,
    ReportDue,
    Review,
    ReviewAssignment,
    Round,
)
from clusterbridge.programme.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPatch,
    ApproveIn,
    AssignmentIn,
    AssignmentOut,
    BoardOut,
    BudgetChangeIn,
    BudgetLineSchema,
    ConceptIn,
    ConceptOut,
    ConflictIn,
    DecisionsIn,
    DecisionsOut,
    ExpenditureIn,
    ExpenditureOut,
    FundingIn,
    FundingOut,
    FundingRateIn,
    GrantOut,
    IPRIn,
    IPROut,
    OutlineDecisionIn,
    OutlineIn,
    OutlineOut,
    ParticipantIn,
    ParticipantOut,
    PhaseAddIn,
    ProjectIn,
    ProjectOut,
    ProjectTransitionIn,
    ReportIn,
    ReportOut,
    ReviewIn,
    ReviewOut,
    RoundIn,
    RoundOut,
    ScheduleOut,
    SuggestionOut,
    TransitionIn,
    WithdrawIn,
)

router = Router(tags=["programme"])
token = TokenAuth()

READ = problem_responses(401, 404, 422)
PUBLIC = problem_responses(404, 422)
WRITE = problem_responses(401, 403, 404, 422)


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied(_("A user account is required."))
    return user


def _require(actor: User, perm: str, obj: Any = None) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


def _round(year: int) -> Round:
    return selectors.round_get(year=year, programme=selectors.programme_get())


def _lines(lines: list[BudgetLineSchema] | None) -> list[services.BudgetLineIn] | None:
    if lines is None:
        return None
    return [
        services.BudgetLineIn(
            phase=line.phase.value,
            year=line.year,
            amount_eur=line.amount_eur,
            description=line.description,
        )
        for line in lines
    ]


def _clusters(slugs: list[str] | None, *, field: str) -> list[Cluster] | None:
    if slugs is None:
        return None
    found = {cluster.slug: cluster for cluster in Cluster.objects.filter(slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise ValidationError(
            {field: _("Unknown clusters: %(slugs)s") % {"slugs": ", ".join(unknown)}}
        )
    return [found[slug] for slug in slugs]


def _application(request: HttpRequest, pk: int) -> Application:
    return selectors.application_get_visible(_actor(request), pk=pk)


def _grant(request: HttpRequest, pk: int) -> Grant:
    return selectors.grant_get_visible(_actor(request), pk=pk)


def _project(request: HttpRequest, pk: int) -> CollaborativeProject:
    return selectors.project_get_visible(_actor(request), pk=pk)


# Rounds (public) ------------------------------------------------------------------------------


@router.get("/rounds", response=list[RoundOut], url_name="programme_rounds")
def round_list(request: HttpRequest) -> Any:
    """The programme's rounds with their dates (null where unknown), targets and criteria."""
    programme = FundingProgramme.objects.first()
    if programme is None:
        return []
    return list(selectors.rounds_public(programme=programme))


@router.get("/rounds/{year}", response=RoundOut, url_name="programme_round", openapi_extra=READ)
def round_detail(request: HttpRequest, year: int) -> Round:
    return _round(year)


@router.post(
    "/rounds",
    auth=token,
    response={201: RoundOut},
    url_name="programme_round_create",
    openapi_extra=WRITE,
)
def round_create(request: HttpRequest, payload: RoundIn) -> Any:
    """Officers open a new round of the programme (one per year); dates in the wrong order
    and a second round in a year are refused naming the rule."""
    actor = _actor(request)
    _require(actor, "programme.manage_programme")
    programme = selectors.programme_get()
    values = payload.model_dump(exclude={"year"})
    values["decision_date_precision"] = payload.decision_date_precision.value
    round = services.round_create(programme=programme, actor=actor, year=payload.year, **values)
    return Status(201, selectors.round_get(year=round.year, programme=programme))


# Applications ---------------------------------------------------------------------------------


@router.get(
    "/rounds/{year}/applications",
    auth=token,
    response=list[ApplicationOut],
    url_name="programme_applications",
    openapi_extra=READ,
)
def application_list(request: HttpRequest, year: int) -> Any:
    """The round's applications the token's user may see (applicants: their own; jurors:
    assigned and conflict-free; officers: all past the draft)."""
    return list(selectors.applications_visible_to(_actor(request), round=_round(year)))


@router.post(
    "/rounds/{year}/applications",
    auth=token,
    response={201: ApplicationOut},
    url_name="programme_application_create",
    openapi_extra=WRITE,
)
def application_create(request: HttpRequest, year: int, payload: ApplicationIn) -> Any:
    """Starts a sketch (draft) for a German cluster the user manages."""
    actor = _actor(request)
    cluster = get_object_or_404(Cluster, slug=payload.cluster)
    # Checked before the input, so nobody gets validation hints for a cluster not theirs.
    if not actor.has_perm("programme.create_application", cluster):
        raise PermissionDenied(_("Only managers of a German cluster may apply for it."))
    application = services.application_create(
        round=_round(year),
        cluster=cluster,
        actor=actor,
        title=payload.title,
        idea=payload.idea,
        target_countries=payload.target_countries,
        target_regions=payload.target_regions,
        partner_candidates=_clusters(payload.partner_candidates, field="partner_candidates") or [],
        budget_lines=_lines(payload.budget_lines) or [],
    )
    return Status(201, selectors.application_get_visible(actor, pk=application.pk))


@router.get(
    "/applications/{pk}",
    auth=token,
    response=ApplicationOut,
    url_name="programme_application",
    openapi_extra=READ,
)
def application_detail(request: HttpRequest, pk: int) -> Application:
    return _application(request, pk)


@router.patch(
    "/applications/{pk}",
    auth=token,
    response=ApplicationOut,
    url_name="programme_application_update",
    openapi_extra=WRITE,
)
def application_update(request: HttpRequest, pk: int, payload: ApplicationPatch) -> Any:
    """Edits the sketch while it is a draft, or the formal application after the panel's
    recommendation (`formal_text`, `budget_lines`)."""
    actor = _actor(request)
    application = _application(request, pk)
    sent = payload.model_dump(exclude_unset=True)
    if "formal_text" in sent:
        services.application_update_formal(
            application=application,
            actor=actor,
            formal_text=sent["formal_text"] or "",
            budget_lines=_lines(payload.budget_lines),
        )
    else:
        services.application_update_sketch(
            application=application,
            actor=actor,
            data={
                key: value
                for key, value in sent.items()
                if key in services.SKETCH_FIELDS and value is not None
            },
            partner_candidates=_clusters(payload.partner_candidates, field="partner_candidates"),
            budget_lines=_lines(payload.budget_lines),
        )
    return selectors.application_get_visible(actor, pk=pk)


@router.post(
    "/applications/{pk}/submit",
    auth=token,
    response=ApplicationOut,
    url_name="programme_application_submit",
    openapi_extra=WRITE,
)
def application_submit(request: HttpRequest, pk: int) -> Any:
    """Submits the sketch while the call is open, or the formal application."""
    actor = _actor(request)
    services.application_submit(application=_application(request, pk), actor=actor)
    return selectors.application_get_visible(actor, pk=pk)


@router.post(
    "/applications/{pk}/withdraw",
    auth=token,
    response=ApplicationOut,
    url_name="programme_application_withdraw",
    openapi_extra=WRITE,
)
def application_withdraw(request: HttpRequest, pk: int, payload: WithdrawIn) -> Any:
    actor = _actor(request)
    services.application_withdraw(
        application=_application(request, pk), actor=actor, justification=payload.justification
    )
    return selectors.application_get_visible(actor, pk=pk)


@router.post(
    "/applications/{pk}/transitions",
    auth=token,
    response=ApplicationOut,
    url_name="programme_application_transition",
    openapi_extra=WRITE,
)
def application_transition(request: HttpRequest, pk: int, payload: TransitionIn) -> Any:
    """Any allowed move of the procedure (officers: recommendation, agency review, decline)."""
    actor = _actor(request)
    services.application_transition(
        application=_application(request, pk),
        to=payload.to,
        actor=actor,
        justification=payload.justification,
        presentation_on=payload.presentation_on,
    )
    return selectors.application_get_visible(actor, pk=pk)


# Review ---------------------------------------------------------------------------------------


@router.get(
    "/rounds/{year}/assignments",
    auth=token,
    response=list[AssignmentOut],
    url_name="programme_assignments",
    openapi_extra=problem_responses(401, 403, 404),
)
def assignment_list(request: HttpRequest, year: int) -> Any:
    _require(_actor(request), "programme.assign_jurors")
    return list(selectors.assignments_for_round(round=_round(year)))


@router.get(
    "/rounds/{year}/assignments/suggestion",
    auth=token,
    response=list[SuggestionOut],
    url_name="programme_assignment_suggestion",
    openapi_extra=problem_responses(401, 403, 404, 422),
)
def assignment_suggestion(request: HttpRequest, year: int, per_application: int = 2) -> Any:
    """A proposal balancing load and avoiding conflicts; nothing is assigned until POSTed."""
    _require(_actor(request), "programme.assign_jurors")
    if not 1 <= per_application <= 10:
        raise ValidationError({"per_application": _("Between 1 and 10 jurors per application.")})
    return services.assignment_suggest(round=_round(year), per_application=per_application)


@router.post(
    "/rounds/{year}/assignments",
    auth=token,
    response={201: AssignmentOut},
    url_name="programme_assignment_create",
    openapi_extra=WRITE,
)
def assignment_create(request: HttpRequest, year: int, payload: AssignmentIn) -> Any:
    actor = _actor(request)
    _require(actor, "programme.assign_jurors")
    application = get_object_or_404(Application, pk=payload.application_id, round=_round(year))
    juror = get_object_or_404(User, username=payload.juror)
    return Status(
        201, services.assignment_create(application=application, juror=juror, actor=actor)
    )


@router.delete(
    "/assignments/{pk}",
    auth=token,
    response={204: None},
    url_name="programme_assignment_delete",
    openapi_extra=WRITE,
)
def assignment_delete(request: HttpRequest, pk: int) -> Any:
    actor = _actor(request)
    _require(actor, "programme.assign_jurors")
    services.assignment_delete(assignment=get_object_or_404(ReviewAssignment, pk=pk), actor=actor)
    return Status(204, None)


@router.post(
    "/applications/{pk}/conflicts",
    auth=token,
    response={204: None},
    url_name="programme_conflict_declare",
    openapi_extra=WRITE,
)
def conflict_declare(request: HttpRequest, pk: int, payload: ConflictIn) -> Any:
    """A juror declares a conflict of interest with an assigned application."""
    services.conflict_declare(
        application=_application(request, pk), juror=_actor(request), reason=payload.reason
    )
    return Status(204, None)


@router.get(
    "/applications/{pk}/reviews",
    auth=token,
    response=list[ReviewOut],
    url_name="programme_reviews",
    openapi_extra=READ,
)
def review_list(request: HttpRequest, pk: int) -> Any:
    """Officers see every review, a juror their own, applicants none."""
    actor = _actor(request)
    return list(selectors.reviews_visible_to(actor, application=_application(request, pk)))


@router.post(
    "/applications/{pk}/reviews",
    auth=token,
    response=ReviewOut,
    url_name="programme_review_submit",
    openapi_extra=WRITE,
)
def review_submit(request: HttpRequest, pk: int, payload: ReviewIn) -> Review:
    """Writes or revises the juror's review; the response carries the weighted total."""
    review = services.review_submit(
        application=_application(request, pk),
        juror=_actor(request),
        scores=payload.scores,
        comment=payload.comment,
        no_conflict_declared=payload.no_conflict_declared,
    )
    return review


# Selection ------------------------------------------------------------------------------------


def _board(request: HttpRequest, year: int) -> selectors.SelectionBoard:
    return selectors.selection_board_for(_actor(request), round=_round(year))


@router.get(
    "/rounds/{year}/board",
    auth=token,
    response=BoardOut,
    url_name="programme_board",
    openapi_extra=problem_responses(401, 403, 404),
)
def board(request: HttpRequest, year: int) -> dict[str, Any]:
    """The selection board: ranked by mean weighted score, with spread and running budget."""
    data = _board(request, year)
    return {
        "round": data.round.year,
        "budget_eur": data.budget_eur,
        "target": data.target.value,
        "selected_count": data.selection.listed,
        "selected_eur": data.money.requested_eur,
        "warnings": data.warnings,
        "rows": [
            {
                "rank": row.rank,
                "application_id": row.application.pk,
                "cluster": row.application.cluster.slug,
                "cluster_name": row.application.cluster.name,
                "state": row.application.state,
                "review_count": row.review_count,
                "mean": row.mean,
                "minimum": row.minimum,
                "maximum": row.maximum,
                "std": row.std,
                "requested_eur": row.requested_eur,
                "running_total_eur": row.running_total_eur,
                "within_budget": row.within_budget,
                "selected": row.selected,
                "is_sample": row.application.is_sample,
            }
            for row in data.rows
        ],
    }


@router.get(
    "/rounds/{year}/board.csv",
    auth=token,
    url_name="programme_board_csv",
    openapi_extra={
        "responses": {
            200: {
                "description": "The selection board as CSV.",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            },
            **problem_responses(401, 403, 404)["responses"],
        }
    },
)
def board_csv(request: HttpRequest, year: int) -> HttpResponse:
    response = spreadsheet.csv_download(f"selection-{year}.csv")
    selectors.selection_board_csv(_board(request, year), response)
    return response


@router.post(
    "/rounds/{year}/decisions",
    auth=token,
    response=DecisionsOut,
    url_name="programme_decisions",
    openapi_extra=WRITE,
)
def decisions(request: HttpRequest, year: int, payload: DecisionsIn) -> dict[str, Any]:
    """The panel's decisions in a batch, each justified; over target or budget is a warning."""
    actor = _actor(request)
    outcome = services.selection_decide(
        round=_round(year),
        actor=actor,
        decisions=[
            services.SelectionDecision(
                application_id=item.application_id,
                select=item.select,
                justification=item.justification,
                presentation_on=item.presentation_on,
            )
            for item in payload.decisions
        ],
    )
    ids = [application.pk for application in outcome.applications]
    return {
        "warnings": outcome.warnings,
        "applications": list(selectors.applications_visible_to(actor).filter(pk__in=ids)),
    }


# Grants ---------------------------------------------------------------------------------------


@router.post(
    "/applications/{pk}/approve",
    auth=token,
    response={201: GrantOut},
    url_name="programme_application_approve",
    openapi_extra=WRITE,
)
def application_approve(request: HttpRequest, pk: int, payload: ApproveIn) -> Any:
    """Approves after the agency's review and makes the grant with its phases."""
    actor = _actor(request)
    grant = services.application_approve(
        application=_application(request, pk),
        actor=actor,
        justification=payload.justification,
        amount_eur=payload.amount_eur,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        concept=services.PhasePlan(**payload.concept.model_dump()),
        implementation=(
            services.PhasePlan(**payload.implementation.model_dump())
            if payload.implementation
            else None
        ),
        german_funding_rate=payload.german_funding_rate,
    )
    return Status(201, selectors.grant_get_visible(actor, pk=grant.pk))


@router.get(
    "/grants",
    auth=token,
    response=list[GrantOut],
    url_name="programme_grants",
    openapi_extra=problem_responses(401),
)
def grant_list(request: HttpRequest) -> Any:
    """Grants the user may see: officers all, managers their clusters'."""
    return list(selectors.grants_visible_to(_actor(request)))


@router.get(
    "/grants/{pk}", auth=token, response=GrantOut, url_name="programme_grant", openapi_extra=READ
)
def grant_detail(request: HttpRequest, pk: int) -> Grant:
    return _grant(request, pk)


@router.post(
    "/grants/{pk}/budget",
    auth=token,
    response=GrantOut,
    url_name="programme_grant_budget",
    openapi_extra=WRITE,
)
def grant_budget(request: HttpRequest, pk: int, payload: BudgetChangeIn) -> Grant:
    actor = _actor(request)
    services.grant_change_budget(
        grant=_grant(request, pk),
        actor=actor,
        amount_eur=payload.amount_eur,
        phase_budgets={kind.value: amount for kind, amount in payload.phase_budgets.items()},
        justification=payload.justification,
    )
    return selectors.grant_get_visible(actor, pk=pk)


@router.post(
    "/grants/{pk}/phases",
    auth=token,
    response={201: GrantOut},
    url_name="programme_phase_add",
    openapi_extra=WRITE,
)
def phase_add(request: HttpRequest, pk: int, payload: PhaseAddIn) -> Any:
    """Officers add the phase a grant was made without; budgets still add up to the grant."""
    actor = _actor(request)
    services.phase_add(
        grant=_grant(request, pk),
        actor=actor,
        kind=payload.kind,
        plan=services.PhasePlan(
            starts_on=payload.starts_on, ends_on=payload.ends_on, budget_eur=payload.budget_eur
        ),
        justification=payload.justification,
        amount_eur=payload.amount_eur,
    )
    return Status(201, selectors.grant_get_visible(actor, pk=pk))


@router.post(
    "/grants/{pk}/funding-rate",
    auth=token,
    response=GrantOut,
    url_name="programme_grant_funding_rate",
    openapi_extra=WRITE,
)
def grant_funding_rate(request: HttpRequest, pk: int, payload: FundingRateIn) -> Grant:
    """Officers set the federal funding rate for the grant's German partners (0 to 1)."""
    actor = _actor(request)
    services.grant_set_funding_rate(grant=_grant(request, pk), actor=actor, rate=payload.rate)
    return selectors.grant_get_visible(actor, pk=pk)


@router.post(
    "/grants/{pk}/expenditures",
    auth=token,
    response={201: ExpenditureOut},
    url_name="programme_expenditure_record",
    openapi_extra=WRITE,
)
def expenditure_record(request: HttpRequest, pk: int, payload: ExpenditureIn) -> Any:
    grant = _grant(request, pk)
    phase = grant.phases.filter(kind=payload.phase).first()
    if phase is None:
        raise ValidationError({"phase": _("The grant has no such phase.")})
    return Status(
        201,
        services.expenditure_record(
            phase=phase,
            actor=_actor(request),
            amount_eur=payload.amount_eur,
            spent_on=payload.spent_on,
            description=payload.description,
        ),
    )


@router.get(
    "/grants/{pk}/reports",
    auth=token,
    response=list[ReportOut],
    url_name="programme_reports",
    openapi_extra=READ,
)
def report_list(request: HttpRequest, pk: int) -> Any:
    return list(_grant(request, pk).reports.order_by("due_on", "pk"))


@router.post(
    "/grants/{pk}/reports",
    auth=token,
    response={201: ReportOut},
    url_name="programme_report_schedule",
    openapi_extra=WRITE,
)
def report_schedule(request: HttpRequest, pk: int, payload: ReportIn) -> Any:
    grant = _grant(request, pk)
    phase = grant.phases.filter(kind=payload.phase).first() if payload.phase else None
    return Status(
        201,
        services.report_schedule(
            grant=grant,
            actor=_actor(request),
            title=payload.title,
            due_on=payload.due_on,
            phase=phase,
        ),
    )


@router.post(
    "/reports/{pk}/submit",
    auth=token,
    response=ReportOut,
    url_name="programme_report_submit",
    openapi_extra=WRITE,
)
def report_submit(request: HttpRequest, pk: int) -> ReportDue:
    actor = _actor(request)
    report = get_object_or_404(
        ReportDue, pk=pk, grant__in=selectors.grants_visible_to(actor).values("pk")
    )
    return services.report_submit(report=report, actor=actor)


@router.put(
    "/grants/{pk}/concept",
    auth=token,
    response=ConceptOut,
    url_name="programme_concept_submit",
    openapi_extra=WRITE,
)
def concept_submit(request: HttpRequest, pk: int, payload: ConceptIn) -> Any:
    return services.concept_submit(
        grant=_grant(request, pk),
        actor=_actor(request),
        summary=payload.summary,
        target_countries=payload.target_countries,
    )


@router.get(
    "/grants/{pk}/outlines",
    auth=token,
    response=list[OutlineOut],
    url_name="programme_outlines",
    openapi_extra=READ,
)
def outline_list(request: HttpRequest, pk: int) -> Any:
    return list(_grant(request, pk).outlines.all())


@router.post(
    "/grants/{pk}/outlines",
    auth=token,
    response={201: OutlineOut},
    url_name="programme_outline_submit",
    openapi_extra=WRITE,
)
def outline_submit(request: HttpRequest, pk: int, payload: OutlineIn) -> Any:
    return Status(
        201,
        services.outline_submit(
            grant=_grant(request, pk),
            actor=_actor(request),
            title=payload.title,
            summary=payload.summary,
        ),
    )


def _outline(request: HttpRequest, pk: int) -> ProjectOutline:
    return selectors.outline_get_visible(_actor(request), pk=pk)


@router.post(
    "/outlines/{pk}/decision",
    auth=token,
    response=OutlineOut,
    url_name="programme_outline_decide",
    openapi_extra=WRITE,
)
def outline_decide(request: HttpRequest, pk: int, payload: OutlineDecisionIn) -> ProjectOutline:
    return services.outline_decide(
        outline=_outline(request, pk),
        actor=_actor(request),
        approve=payload.approve,
        justification=payload.justification,
    )


@router.post(
    "/outlines/{pk}/project",
    auth=token,
    response={201: ProjectOut},
    url_name="programme_project_create",
    openapi_extra=WRITE,
)
def project_create(request: HttpRequest, pk: int, payload: ProjectIn) -> Any:
    """The implementation project of an approved outline."""
    project = services.project_create(
        outline=_outline(request, pk),
        actor=_actor(request),
        title=payload.title,
        summary=payload.summary,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, _project(request, project.pk))


# Projects -------------------------------------------------------------------------------------


@router.get(
    "/projects/{pk}",
    auth=token,
    response=ProjectOut,
    url_name="programme_project",
    openapi_extra=READ,
)
def project_detail(request: HttpRequest, pk: int) -> CollaborativeProject:
    return _project(request, pk)


@router.post(
    "/projects/{pk}/participants",
    auth=token,
    response={201: ParticipantOut},
    url_name="programme_participant_add",
    openapi_extra=WRITE,
)
def participant_add(request: HttpRequest, pk: int, payload: ParticipantIn) -> Any:
    cluster = None
    if payload.cluster:
        clusters = _clusters([payload.cluster], field="cluster")
        cluster = clusters[0] if clusters else None
    return Status(
        201,
        services.participant_add(
            project=_project(request, pk),
            actor=_actor(request),
            cluster=cluster,
            organisation_name=payload.organisation_name,
            country=payload.country,
            know_how=payload.know_how,
            division_of_work=payload.division_of_work,
            management_organisation=payload.management_organisation,
            german_funding_eur=payload.german_funding_eur,
        ),
    )


@router.post(
    "/participants/{pk}/funding",
    auth=token,
    response={201: FundingOut},
    url_name="programme_funding_record",
    openapi_extra=WRITE,
)
def funding_record(request: HttpRequest, pk: int, payload: FundingIn) -> Any:
    actor = _actor(request)
    participant = get_object_or_404(
        Participant, pk=pk, project__in=selectors.projects_visible_to(actor).values("pk")
    )
    return Status(
        201,
        services.own_funding_set(
            participant=participant,
            actor=actor,
            source=payload.source,
            amount_eur=payload.amount_eur,
            status=payload.status,
        ),
    )


@router.post(
    "/projects/{pk}/transitions",
    auth=token,
    response=ProjectOut,
    url_name="programme_project_transition",
    openapi_extra=WRITE,
)
def project_transition(request: HttpRequest, pk: int, payload: ProjectTransitionIn) -> Any:
    """Starts (needs every international partner's confirmed own funding), completes or
    cancels a project."""
    services.project_transition(project=_project(request, pk), to=payload.to, actor=_actor(request))
    return _project(request, pk)


@router.patch(
    "/projects/{pk}/ipr",
    auth=token,
    response=IPROut,
    url_name="programme_ipr_update",
    openapi_extra=WRITE,
)
def ipr_update(request: HttpRequest, pk: int, payload: IPRIn) -> Any:
    return services.ipr_agreement_update(
        project=_project(request, pk),
        actor=_actor(request),
        status=payload.status,
        signed_on=payload.signed_on,
        notes=payload.notes,
    )


@router.get(
    "/projects/{pk}/ipr/document",
    auth=token,
    url_name="programme_ipr_document_download",
    openapi_extra={
        "responses": {
            200: {
                "description": "The IPR agreement as PDF.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            },
            **READ["responses"],
        }
    },
)
def ipr_document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The agreement's PDF, for the grant holders and officers."""
    document = selectors.ipr_document_get(_actor(request), project_id=pk)
    return FileResponse(
        document.open("rb"),
        as_attachment=True,
        filename=f"ipr-agreement-project-{pk}.pdf",
        content_type="application/pdf",
    )


@router.post(
    "/projects/{pk}/ipr/document",
    auth=token,
    response=IPROut,
    url_name="programme_ipr_document",
    openapi_extra=problem_responses(401, 403, 404, 413, 422),
)
def ipr_document(
    request: HttpRequest,
    pk: int,
    document: File[UploadedFile],
    status: Form[IPRStatus | None] = None,
    signed_on: Form[str | None] = None,
) -> Any:
    """Attaches the agreement's PDF (checked by content, at most 10 MB), optionally moving its
    status (e.g. to signed with `signed_on`)."""
    signed = None
    if signed_on:
        try:
            signed = dt.date.fromisoformat(signed_on)
        except ValueError as exc:
            raise ValidationError({"signed_on": _("A date as YYYY-MM-DD.")}) from exc
    return services.ipr_agreement_update(
        project=_project(request, pk),
        actor=_actor(request),
        status=status,
        document=document.file,
        document_name=document.name or "",
        document_size=document.size,
        signed_on=signed,
    )


# Schedule (public) ----------------------------------------------------------------------------


@router.get("/schedule", response=ScheduleOut, url_name="programme_schedule", openapi_extra=PUBLIC)
def schedule(request: HttpRequest, round: int | None = None) -> Any:
    """Every grant's phases per round (the Gantt data) and today; public, without reports."""
    return selectors.schedule(round=_round(round) if round else None)


@router.get(
    "/schedule/full",
    auth=token,
    response=ScheduleOut,
    url_name="programme_schedule_full",
    openapi_extra=READ,
)
def schedule_full(request: HttpRequest, round: int | None = None) -> Any:
    """The schedule of the grants the user may see, with reports, due dates and late flags."""
    return selectors.schedule(user=_actor(request), round=_round(round) if round else None)


@router.get(
    "/schedule.csv",
    url_name="programme_schedule_csv",
    openapi_extra={
        "responses": {
            200: {
                "description": "The public schedule as CSV (one line per phase).",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            },
            **PUBLIC["responses"],
        }
    },
)
def schedule_csv(request: HttpRequest, round: int | None = None) -> HttpResponse:
    response = spreadsheet.csv_download("schedule.csv")
    selectors.schedule_csv(selectors.schedule(round=_round(round) if round else None), response)
    return response
