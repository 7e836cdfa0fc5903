"""API shapes of the programme: separate In and Out schemas. Input schemas check what needs no
database (types, ranges, country codes, date order) with the shared validators; the
programme's caps and cross-object rules are checked by the services, so page and API refuse
the same input with the same words. Out schemas never carry reviews for applicants: reviews
have their own endpoint, filtered by `selectors.reviews_visible_to`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator, model_validator

from clusterbridge.programme import figures, validators
from clusterbridge.programme.enums import (
    ApplicationState,
    DatePrecision,
    FundingStatus,
    IPRStatus,
    PhaseKind,
    ProjectState,
)
from clusterbridge.programme.models import (
    Application,
    CollaborativeProject,
    Grant,
    Review,
    ReviewCriterion,
    Round,
)
from clusterbridge.programme.selectors import phase_budgets, review_weighted_total

Money = Decimal


def _countries(values: list[str]) -> list[str]:
    codes = [value.upper() for value in values]
    try:
        validators.validate_country_codes(codes)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from exc
    return codes


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


# Rounds ------------------------------------------------------------------------------------------


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    weight: Decimal
    min_score: int
    max_score: int


class RoundOut(Schema):
    """A round; dates are null where unknown, `decision_date_precision` says whether the
    decision is known to the day or only to the month."""

    year: int
    programme: str = Field(..., alias="programme.slug")
    call_opens: dt.date | None
    call_closes: dt.date | None
    call_is_open: bool
    review_starts: dt.date | None
    review_ends: dt.date | None
    decision_date: dt.date | None
    decision_date_precision: str
    budget_eur: Decimal | None
    target: int
    selected_published: int | None
    estimated_fields: list[str]
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_call_is_open(obj: Round) -> bool:
        return obj.call_is_open()

    @staticmethod
    def resolve_target(obj: Round) -> int:
        return figures.round_target(obj).value

    @staticmethod
    def resolve_criteria(obj: Round) -> list[ReviewCriterion]:
        return list(obj.criteria.all())


class RoundIn(_In):
    """A new round of the programme; every setting but the year may stay null while unknown.
    Criteria are added afterwards."""

    year: int = Field(..., ge=2000, le=2100)
    call_opens: dt.date | None = None
    call_closes: dt.date | None = None
    review_starts: dt.date | None = None
    review_ends: dt.date | None = None
    decision_date: dt.date | None = None
    decision_date_precision: DatePrecision = DatePrecision.DAY
    budget_eur: Money | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    target_selected: int | None = Field(None, ge=0, le=32767)


# Applications -------------------------------------------------------------------------------------


class BudgetLineSchema(_In):
    phase: PhaseKind
    year: int = Field(..., ge=2000, le=2100)
    amount_eur: Money = Field(..., ge=0, max_digits=14, decimal_places=2)
    description: str = Field("", max_length=300)


class ApplicationIn(_In):
    """A new sketch (draft) for a German cluster the token's user manages."""

    cluster: str = Field(..., description="Slug of the applying German cluster.")
    title: str = Field("", max_length=300)
    idea: str = ""
    target_countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2.")
    target_regions: list[str] = Field(default_factory=list)
    partner_candidates: list[str] = Field(
        default_factory=list, description="Slugs of clusters abroad."
    )
    budget_lines: list[BudgetLineSchema] = Field(default_factory=list)

    _check_countries = field_validator("target_countries")(_countries)


class ApplicationPatch(_In):
    """Edits a sketch draft, or (after the recommendation) the formal application; only the
    keys sent change."""

    title: str | None = Field(None, max_length=300)
    idea: str | None = None
    target_countries: list[str] | None = None
    target_regions: list[str] | None = None
    partner_candidates: list[str] | None = None
    budget_lines: list[BudgetLineSchema] | None = None
    formal_text: str | None = None

    @field_validator("target_countries")
    @classmethod
    def _check_countries(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else _countries(values)


class BudgetLineOut(Schema):
    phase: str
    year: int
    amount_eur: Decimal
    description: str


class ApplicationOut(Schema):
    """What applicants, officers and assigned jurors see of an application: no reviews."""

    id: int
    round: int = Field(..., alias="round.year")
    cluster: str = Field(..., alias="cluster.slug")
    cluster_name: str = Field(..., alias="cluster.name")
    state: ApplicationState
    state_label: str
    title: str
    idea: str
    target_countries: list[str]
    target_regions: list[str]
    partner_candidates: list[str]
    budget_lines: list[BudgetLineOut]
    requested_eur: Decimal | None = Field(
        ..., description="The planned budget in all; null where none is recorded."
    )
    presentation_on: dt.date | None
    panel_justification: str
    formal_text: str
    submitted_at: dt.datetime | None
    formal_submitted_at: dt.datetime | None
    is_sample: bool
    selection_inferred: bool

    @staticmethod
    def resolve_state_label(obj: Application) -> str:
        return str(ApplicationState(obj.state).label)

    @staticmethod
    def resolve_partner_candidates(obj: Application) -> list[str]:
        return [cluster.slug for cluster in obj.partner_candidates.all()]

    @staticmethod
    def resolve_budget_lines(obj: Application) -> list[Any]:
        return list(obj.budget_lines.all())

    @staticmethod
    def resolve_requested_eur(obj: Application) -> Decimal | None:
        return figures.application_requested_eur(obj)


class TransitionIn(_In):
    to: ApplicationState
    justification: str = ""
    presentation_on: dt.date | None = None


class WithdrawIn(_In):
    justification: str = ""


# Review ---------------------------------------------------------------------------------------


class AssignmentIn(_In):
    application_id: int
    juror: str = Field(..., description="The juror's username.")


class AssignmentOut(Schema):
    id: int
    application_id: int
    cluster: str = Field(..., alias="application.cluster.slug")
    juror: str = Field(..., alias="juror.username")


class SuggestionOut(Schema):
    application_id: int = Field(..., alias="application.pk")
    cluster: str = Field(..., alias="application.cluster.slug")
    juror: str = Field(..., alias="juror.username")


class ConflictIn(_In):
    reason: str = ""


class ReviewIn(_In):
    scores: dict[int, int] = Field(..., description="Criterion id → score in its range.")
    comment: str = ""
    no_conflict_declared: bool


class ScoreOut(Schema):
    criterion_id: int
    criterion: str = Field(..., alias="criterion.name")
    score: int


class ReviewOut(Schema):
    id: int
    application_id: int
    juror: str = Field(..., alias="juror.username")
    comment: str
    scores: list[ScoreOut]
    weighted_total: Decimal | None
    is_sample: bool

    @staticmethod
    def resolve_scores(obj: Review) -> list[Any]:
        return list(obj.scores.all())

    @staticmethod
    def resolve_weighted_total(obj: Review) -> Decimal | None:
        return review_weighted_total(obj, list(obj.application.round.criteria.all()))


# Selection ----------------------------------------------------------------------------------------


class BoardRowOut(Schema):
    rank: int
    application_id: int
    cluster: str
    cluster_name: str
    state: str
    review_count: int
    mean: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    std: Decimal | None
    requested_eur: Decimal | None = Field(
        ..., description="The planned budget in all; null where none is recorded."
    )
    running_total_eur: Decimal | None = Field(
        ..., description="Null from the first application whose request is unknown."
    )
    within_budget: bool | None
    selected: bool
    is_sample: bool


class BoardOut(Schema):
    round: int
    budget_eur: Decimal | None
    target: int
    selected_count: int
    selected_eur: Decimal | None = Field(
        ..., description="What the selected applications request; null where one is unknown."
    )
    warnings: list[str]
    rows: list[BoardRowOut]


class DecisionIn(_In):
    application_id: int
    select: bool
    justification: str
    presentation_on: dt.date | None = None


class DecisionsIn(_In):
    decisions: list[DecisionIn] = Field(..., min_length=1)


class DecisionsOut(Schema):
    warnings: list[str]
    applications: list[ApplicationOut]


# Grants -----------------------------------------------------------------------------------------


class PhaseIn(_In):
    starts_on: dt.date
    ends_on: dt.date
    budget_eur: Money = Field(..., ge=0, max_digits=14, decimal_places=2)

    @model_validator(mode="after")
    def _order(self) -> PhaseIn:
        if self.ends_on < self.starts_on:
            raise ValueError("The end must not be before the start.")
        return self


class ApproveIn(_In):
    """The approval after the agency's review, with the grant it makes."""

    justification: str
    amount_eur: Money = Field(..., ge=0, max_digits=14, decimal_places=2)
    starts_on: dt.date
    ends_on: dt.date
    concept: PhaseIn
    implementation: PhaseIn | None = None
    german_funding_rate: Decimal | None = Field(None, ge=0, le=1)


class PhaseOut(Schema):
    id: int
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    budget_eur: Decimal
    spent_eur: Decimal
    remaining_eur: Decimal
    is_sample: bool


class GrantOut(Schema):
    id: int
    application_id: int
    cluster: str = Field(..., alias="application.cluster.slug")
    round: int = Field(..., alias="application.round.year")
    amount_eur: Decimal
    starts_on: dt.date
    ends_on: dt.date
    german_funding_rate: Decimal
    is_sample: bool
    phases: list[PhaseOut]

    @staticmethod
    def resolve_phases(obj: Grant) -> list[dict[str, Any]]:
        return [
            {
                "id": item.phase.pk,
                "kind": item.phase.kind,
                "starts_on": item.phase.starts_on,
                "ends_on": item.phase.ends_on,
                "budget_eur": item.budget_eur,
                "spent_eur": item.spent_eur,
                "remaining_eur": item.remaining_eur,
                "is_sample": item.phase.is_sample,
            }
            for item in phase_budgets(grant=obj)
        ]


class BudgetChangeIn(_In):
    amount_eur: Money = Field(..., ge=0, max_digits=14, decimal_places=2)
    phase_budgets: dict[PhaseKind, Money]
    justification: str


class FundingRateIn(_In):
    rate: Decimal = Field(..., ge=0, le=1, max_digits=4, decimal_places=3)


class PhaseAddIn(_In):
    kind: PhaseKind
    starts_on: dt.date
    ends_on: dt.date
    budget_eur: Money = Field(..., ge=0, max_digits=14, decimal_places=2)
    justification: str
    amount_eur: Money | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="The grant's new amount."
    )


class ExpenditureIn(_In):
    phase: PhaseKind
    amount_eur: Money = Field(..., gt=0, max_digits=14, decimal_places=2)
    spent_on: dt.date
    description: str = Field(..., min_length=1, max_length=300)


class ExpenditureOut(Schema):
    id: int
    phase: str = Field(..., alias="phase.kind")
    amount_eur: Decimal
    spent_on: dt.date
    description: str


class ReportIn(_In):
    title: str = Field(..., min_length=1, max_length=200)
    due_on: dt.date
    phase: PhaseKind | None = None


class ReportOut(Schema):
    id: int
    title: str
    due_on: dt.date
    submitted_at: dt.datetime | None
    late: bool

    @staticmethod
    def resolve_late(obj: Any) -> bool:
        return bool(obj.is_late())


class OutlineIn(_In):
    title: str = Field(..., min_length=1, max_length=300)
    summary: str = Field(..., min_length=1)


class OutlineOut(Schema):
    id: int
    grant_id: int
    title: str
    summary: str
    state: str
    decision_note: str


class OutlineDecisionIn(_In):
    approve: bool
    justification: str


class ConceptIn(_In):
    summary: str
    target_countries: list[str] = Field(default_factory=list)

    _check_countries = field_validator("target_countries")(_countries)


class ConceptOut(Schema):
    grant_id: int
    summary: str
    target_countries: list[str]


# Projects ---------------------------------------------------------------------------------------


class ProjectIn(_In):
    title: str = Field("", max_length=300)
    summary: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class FundingIn(_In):
    source: str = Field(..., min_length=1, max_length=300)
    amount_eur: Money = Field(..., gt=0, max_digits=14, decimal_places=2)
    status: FundingStatus


class FundingOut(Schema):
    id: int
    source: str
    amount_eur: Decimal
    status: str


class ParticipantIn(_In):
    cluster: str | None = Field(None, description="Slug of a cluster on the platform.")
    organisation_name: str = Field("", max_length=300)
    country: str = Field("", max_length=2)
    know_how: str = ""
    division_of_work: str = ""
    management_organisation: str = Field("", max_length=300)
    german_funding_eur: Money | None = Field(None, ge=0, max_digits=14, decimal_places=2)


class ParticipantOut(Schema):
    id: int
    name: str
    cluster: str | None
    country: str
    is_international: bool
    know_how: str
    division_of_work: str
    management_organisation: str
    german_funding_eur: Decimal | None
    funding: list[FundingOut]

    @staticmethod
    def resolve_cluster(obj: Any) -> str | None:
        return obj.cluster.slug if obj.cluster_id else None

    @staticmethod
    def resolve_funding(obj: Any) -> list[Any]:
        return list(obj.funding.all())


class IPROut(Schema):
    status: str
    signed_on: dt.date | None
    has_document: bool
    notes: str

    @staticmethod
    def resolve_has_document(obj: Any) -> bool:
        return bool(obj.document)


class IPRIn(_In):
    status: IPRStatus | None = None
    signed_on: dt.date | None = None
    notes: str | None = None


class ProjectOut(Schema):
    id: int
    grant_id: int
    outline_id: int
    title: str
    summary: str
    state: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    is_sample: bool
    participants: list[ParticipantOut]
    ipr_agreement: IPROut | None

    @staticmethod
    def resolve_participants(obj: CollaborativeProject) -> list[Any]:
        return list(obj.participants.all())

    @staticmethod
    def resolve_ipr_agreement(obj: CollaborativeProject) -> Any:
        return getattr(obj, "ipr_agreement", None)


class ProjectTransitionIn(_In):
    to: ProjectState


# Schedule ---------------------------------------------------------------------------------------


class ScheduleBarOut(Schema):
    kind: str
    label: str
    starts_on: dt.date
    ends_on: dt.date
    budget_eur: Decimal
    is_sample: bool


class ScheduleMilestoneOut(Schema):
    title: str
    due_on: dt.date
    submitted_on: dt.date | None
    late: bool
    is_sample: bool


class ScheduleRowOut(Schema):
    grant_id: int
    cluster_name: str
    cluster_slug: str
    round_year: int
    is_sample: bool
    selection_inferred: bool
    starts_on: dt.date
    ends_on: dt.date
    phases: list[ScheduleBarOut]
    reports: list[ScheduleMilestoneOut]


class ScheduleOut(Schema):
    today: dt.date
    starts_on: dt.date | None
    ends_on: dt.date | None
    rows: list[ScheduleRowOut]
