"""Reads for the funding programme. Visibility lives here, once: every page, endpoint and
export starts from `applications_visible_to`, `reviews_visible_to`, `grants_visible_to`, never
from `Model.objects.all()`. Applicants never see reviews or reviewer names; jurors see only
applications assigned to them and free of conflicts."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterbridge.accounts.enums import Role
from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster, Member
from clusterbridge.common import spreadsheet
from clusterbridge.programme import figures
from clusterbridge.programme.enums import (
    ApplicationState,
    ConflictSource,
    FundingStatus,
    PhaseKind,
)
from clusterbridge.programme.models import (
    Application,
    CollaborativeProject,
    ConflictDeclaration,
    FundingProgramme,
    Grant,
    Participant,
    Phase,
    ProjectOutline,
    ReportDue,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    Round,
)

HUNDRED = Decimal(100)
# Past the sketch draft: what officers and the panel see.
SUBMITTED_STATES = frozenset(set(ApplicationState) - {ApplicationState.DRAFT})
# The selection board shows every sketch the panel has to judge or has judged.
ON_BOARD_STATES = frozenset(
    figures.SELECTED_STATES
    | {ApplicationState.SUBMITTED, ApplicationState.NOT_RECOMMENDED, ApplicationState.DECLINED}
)


def _is_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_officer(user: Any) -> bool:
    return _is_active(user) and user.has_role(Role.PROGRAMME_OFFICER)


def is_juror(user: Any) -> bool:
    return _is_active(user) and user.has_role(Role.JURY_MEMBER)


# Programme and rounds ------------------------------------------------------------------------


def programme_get(*, slug: str | None = None) -> FundingProgramme:
    """The programme by slug, or the only (first) one."""
    programmes = FundingProgramme.objects.all()
    found = programmes.filter(slug=slug).first() if slug else programmes.first()
    if found is None:
        raise Http404(_("No such funding programme."))
    return found


def rounds_public(*, programme: FundingProgramme | None = None) -> QuerySet[Round]:
    """Rounds are public: their dates, targets and criteria."""
    rounds = Round.objects.select_related("programme").prefetch_related("criteria")
    if programme is not None:
        rounds = rounds.filter(programme=programme)
    return rounds.order_by("programme__slug", "year")


def round_get(*, year: int, programme: FundingProgramme | None = None) -> Round:
    found = rounds_public(programme=programme).filter(year=year).first()
    if found is None:
        raise Http404(_("No round %(year)s.") % {"year": year})
    return found


def round_review_blocker(*, round: Round) -> str | None:
    """Why jurors cannot be assigned in `round` yet, or None: a review scores the round's
    criteria, so a round without criteria has nothing to review against."""
    if not round.criteria.exists():
        return _("This round has no review criteria yet: add criteria before assigning jurors.")
    return None


# Conflicts of interest -----------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """Why a juror may not review an application."""

    source: ConflictSource
    detail: str


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


def _involved_clusters(applications: Iterable[Application]) -> dict[int, list[Cluster]]:
    return {
        application.pk: [application.cluster, *application.partner_candidates.all()]
        for application in applications
    }


def _conflict_map(juror: User, applications: Sequence[Application]) -> dict[int, list[Conflict]]:
    """Conflicts of one juror with many applications, in a fixed number of queries.
    Applications should come with `cluster__management_organisation` selected and
    `partner_candidates__management_organisation` prefetched."""
    result: dict[int, list[Conflict]] = {application.pk: [] for application in applications}
    if not applications:
        return result
    ids = list(result)
    for declaration in ConflictDeclaration.objects.filter(juror=juror, application_id__in=ids):
        result[declaration.application_id].append(
            Conflict(ConflictSource.DECLARED, declaration.reason or _("declared by the juror"))
        )
    involved = _involved_clusters(applications)
    cluster_ids = {cluster.pk for clusters in involved.values() for cluster in clusters}
    managed = set(
        Cluster.managers.through.objects.filter(
            user_id=juror.pk, cluster_id__in=cluster_ids
        ).values_list("cluster_id", flat=True)
    )
    organisation = _norm(juror.organisation or "")
    member_clusters: set[int] = set()
    if organisation:
        member_clusters = {
            cluster_id
            for cluster_id, name in Member.objects.filter(cluster_id__in=cluster_ids).values_list(
                "cluster_id", "name"
            )
            if _norm(name) == organisation
        }
    for application_id, clusters in involved.items():
        for cluster in clusters:
            if cluster.pk in managed:
                result[application_id].append(
                    Conflict(
                        ConflictSource.MANAGER,
                        _("manages %(cluster)s") % {"cluster": cluster.name},
                    )
                )
            if not organisation:
                continue
            management = cluster.management_organisation
            if management is not None and _norm(management.name) == organisation:
                result[application_id].append(
                    Conflict(
                        ConflictSource.ORGANISATION,
                        _("%(organisation)s runs %(cluster)s")
                        % {"organisation": management.name, "cluster": cluster.name},
                    )
                )
            if cluster.pk in member_clusters:
                result[application_id].append(
                    Conflict(
                        ConflictSource.ORGANISATION,
                        _("%(organisation)s is a member of %(cluster)s")
                        % {"organisation": juror.organisation, "cluster": cluster.name},
                    )
                )
    return result


def _with_conflict_data(applications: QuerySet[Application]) -> QuerySet[Application]:
    return applications.select_related(
        "cluster__management_organisation", "round__programme"
    ).prefetch_related(
        Prefetch(
            "partner_candidates",
            queryset=Cluster.objects.select_related("management_organisation"),
        )
    )


def conflicts_for(*, juror: User, application: Application) -> list[Conflict]:
    """Declared and detected conflicts of one juror with one application (empty: none)."""
    loaded = _with_conflict_data(Application.objects.filter(pk=application.pk)).get()
    return _conflict_map(juror, [loaded])[application.pk]


def conflicts_by_application(
    *, juror: User, applications: Sequence[Application]
) -> dict[int, list[Conflict]]:
    """`conflicts_for` for many applications at once (used by assignment and visibility)."""
    ids = [application.pk for application in applications]
    loaded = list(_with_conflict_data(Application.objects.filter(pk__in=ids)))
    return _conflict_map(juror, loaded)


# Visibility ------------------------------------------------------------------------------------


def _applications_base() -> QuerySet[Application]:
    return Application.objects.select_related(
        "round__programme", "cluster", "cluster__management_organisation"
    ).prefetch_related("budget_lines", "partner_candidates")


def applications_visible_to(user: Any, *, round: Round | None = None) -> QuerySet[Application]:
    """The applications `user` may see: applicants their own clusters' (drafts too), officers
    every one past the draft, jurors those assigned to them without a conflict, visitors none."""
    applications = Application.objects.all()
    if round is not None:
        applications = applications.filter(round=round)
    if not _is_active(user):
        return Application.objects.none()
    visible = Q(cluster__managers=user)
    if is_officer(user):
        # Past the draft; a draft withdrawn before submission stays the applicants' own.
        visible |= Q(state__in=SUBMITTED_STATES) & ~Q(
            state=ApplicationState.WITHDRAWN, submitted_at__isnull=True
        )
    if is_juror(user):
        assigned = list(
            _with_conflict_data(
                applications.filter(assignments__juror=user, state__in=SUBMITTED_STATES)
            )
        )
        conflicts = _conflict_map(user, assigned)
        visible |= Q(pk__in=[pk for pk, found in conflicts.items() if not found])
    ids = applications.filter(visible).values("pk")
    return _applications_base().filter(pk__in=ids).order_by("round__year", "cluster__name")


def application_get_visible(user: Any, *, pk: int) -> Application:
    """One application if `user` may see it, else 404 (never 403: existence stays hidden)."""
    found = applications_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such application."))
    return found


def assignments_of_juror(user: Any) -> list[tuple[Application, bool]]:
    """The applications a juror is assigned to (as far as they may see them), each with whether
    they have reviewed it yet."""
    applications = list(applications_visible_to(user).filter(assignments__juror=user))
    reviewed = set(
        Review.objects.filter(juror=user, application__in=[a.pk for a in applications]).values_list(
            "application_id", flat=True
        )
    )
    return [(application, application.pk in reviewed) for application in applications]


def applications_of_applicant(user: Any) -> QuerySet[Application]:
    """Every application of the clusters `user` manages, in every round."""
    if not _is_active(user):
        return Application.objects.none()
    return _applications_base().filter(cluster__managers=user).order_by("-round__year")


def reviews_visible_to(user: Any, *, application: Application) -> QuerySet[Review]:
    """Officers see every review; a juror sees their own; applicants and visitors see none
    (not even how many there are)."""
    reviews = Review.objects.filter(application=application).select_related("juror")
    reviews = reviews.prefetch_related("scores__criterion")
    if is_officer(user):
        return reviews
    if is_juror(user):
        return reviews.filter(juror=user)
    return Review.objects.none()


def jurors() -> QuerySet[User]:
    return User.objects.filter(groups__name=Role.JURY_MEMBER.value, is_active=True).order_by(
        "username"
    )


def officers() -> QuerySet[User]:
    return User.objects.filter(
        Q(groups__name=Role.PROGRAMME_OFFICER.value) | Q(is_superuser=True), is_active=True
    ).distinct()


def assignments_for_round(*, round: Round) -> QuerySet[ReviewAssignment]:
    return (
        ReviewAssignment.objects.filter(application__round=round)
        .select_related("juror", "application__cluster")
        .order_by("application__cluster__name", "juror__username")
    )


def juror_loads(*, round: Round) -> dict[int, int]:
    """Assignments per juror id in a round."""
    rows = (
        ReviewAssignment.objects.filter(application__round=round)
        .values("juror_id")
        .annotate(n=Count("pk"))
    )
    return {row["juror_id"]: row["n"] for row in rows}


# Scoring -----------------------------------------------------------------------------------------


def weighted_total(
    *, criteria: Sequence[ReviewCriterion], scores: Mapping[int, int]
) -> Decimal | None:
    """The weighted score of one review as a percentage (0-100): each criterion's score is
    scaled to its range and weighted; None until every criterion has a score. Used while the
    juror fills in the form and for the selection board alike."""
    if not criteria or any(criterion.pk not in scores for criterion in criteria):
        return None
    weights = sum((criterion.weight for criterion in criteria), Decimal(0))
    total = sum(
        (
            criterion.weight
            * Decimal(scores[criterion.pk] - criterion.min_score)
            / Decimal(criterion.max_score - criterion.min_score)
            for criterion in criteria
        ),
        Decimal(0),
    )
    return (total / weights * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def review_weighted_total(review: Review, criteria: Sequence[ReviewCriterion]) -> Decimal | None:
    return weighted_total(
        criteria=criteria, scores={score.criterion_id: score.score for score in review.scores.all()}
    )


# Selection board ---------------------------------------------------------------------------------


@dataclass
class BoardRow:
    rank: int
    application: Application
    review_count: int
    mean: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    std: Decimal | None
    requested_eur: Decimal | None  # None where the application records no budget
    running_total_eur: Decimal | None  # None from the first unknown request on
    within_budget: bool | None  # None when the round's budget or the running total is unknown
    selected: bool

    @property
    def spread(self) -> Decimal | None:
        if self.minimum is None or self.maximum is None:
            return None
        return self.maximum - self.minimum


@dataclass
class SelectionBoard:
    round: Round
    rows: list[BoardRow]
    budget_eur: Decimal | None
    target: figures.Target
    selection: figures.SelectionCount
    money: figures.SelectionMoney
    warnings: list[str] = field(default_factory=list)


def selection_warnings(
    *,
    round: Round,
    target: figures.Target,
    selection: figures.SelectionCount,
    money: figures.SelectionMoney,
) -> list[str]:
    """Warnings, not errors: officers may select beyond target or budget, knowingly."""
    warnings = []
    if selection.listed > target.value:
        warnings.append(
            _("%(count)s clusters selected, more than the round's target of %(target)s.")
            % {"count": selection.listed, "target": target.value}
        )
    if round.budget_eur is None:
        return warnings
    if money.requested_eur is None:
        warnings.append(
            _(
                "The requests of %(count)s selected applications are unknown, so the selection "
                "cannot be checked against the round's budget."
            )
            % {"count": money.unknown_requests}
        )
    elif money.requested_eur > round.budget_eur:
        warnings.append(
            _(
                "The selection requests %(total)s EUR, "
                "more than the round's budget of %(budget)s EUR."
            )
            % {"total": f"{money.requested_eur:,.0f}", "budget": f"{round.budget_eur:,.0f}"}
        )
    return warnings


def _q(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def selection_board_for(user: Any, *, round: Round) -> SelectionBoard:
    """`selection_board` for officers; anyone else gets PermissionDenied (the board shows
    scores, which applicants never see)."""
    if not is_officer(user):
        raise PermissionDenied(_("Only programme officers see the selection board."))
    return selection_board(round=round)


def selection_board(*, round: Round) -> SelectionBoard:
    """Applications ranked by their mean weighted score (unreviewed last), with the spread
    between reviewers, the requested budget and the running total against the round's budget.
    Officers only: the caller checks `programme.view_selection_board`."""
    criteria = list(round.criteria.all())
    applications = list(
        Application.objects.filter(round=round, state__in=ON_BOARD_STATES)
        .select_related("cluster", "round__programme", "grant")
        .prefetch_related("budget_lines", "reviews__scores")
    )
    scored = []
    for application in applications:
        totals = [
            total
            for review in application.reviews.all()
            if (total := review_weighted_total(review, criteria)) is not None
        ]
        values = [float(total) for total in totals]
        mean = _q(sum(values) / len(values)) if values else None
        std = (
            _q(math.sqrt(sum((v - sum(values) / len(values)) ** 2 for v in values) / len(values)))
            if values
            else None
        )
        requested = figures.application_requested_eur(application)
        scored.append((application, totals, mean, std, requested))
    scored.sort(
        key=lambda item: (item[2] is None, -(item[2] or 0), item[4] or 0, item[0].cluster.name)
    )
    rows: list[BoardRow] = []
    running: Decimal | None = Decimal(0)
    for rank, (application, totals, mean, std, requested) in enumerate(scored, start=1):
        running = None if running is None or requested is None else running + requested
        rows.append(
            BoardRow(
                rank=rank,
                application=application,
                review_count=len(totals),
                mean=mean,
                minimum=min(totals) if totals else None,
                maximum=max(totals) if totals else None,
                std=std,
                requested_eur=requested,
                running_total_eur=running,
                within_budget=(
                    None
                    if round.budget_eur is None or running is None
                    else running <= round.budget_eur
                ),
                selected=application.state in figures.SELECTED_STATES,
            )
        )
    target = figures.round_target(round)
    selection = figures.round_selection_count(
        round=round, selected=[row.application for row in rows if row.selected]
    )
    money = figures.selection_money(applications)
    return SelectionBoard(
        round=round,
        rows=rows,
        budget_eur=round.budget_eur,
        target=target,
        selection=selection,
        money=money,
        warnings=selection_warnings(round=round, target=target, selection=selection, money=money),
    )


BOARD_CSV_HEADER = (
    "rank",
    "cluster",
    "state",
    "reviews",
    "mean_score",
    "min_score",
    "max_score",
    "std",
    "requested_eur",
    "running_total_eur",
    "within_budget",
    "is_sample",
)


def selection_board_csv(board: SelectionBoard, stream: spreadsheet.Stream) -> int:
    """Writes the board as CSV (one row per application); returns the rows written."""
    writer = spreadsheet.Writer(stream)
    writer.writerow(BOARD_CSV_HEADER)
    for row in board.rows:
        writer.writerow(
            (
                row.rank,
                row.application.cluster.name,
                row.application.state,
                row.review_count,
                row.mean,
                row.minimum,
                row.maximum,
                row.std,
                row.requested_eur,
                row.running_total_eur,
                row.within_budget,
                row.application.is_sample,
            )
        )
    return len(board.rows)


# Grants, phases, spending ------------------------------------------------------------------------


def grants_visible_to(user: Any, *, round: Round | None = None) -> QuerySet[Grant]:
    """Officers see every grant, holders (managers of the cluster) their own."""
    grants = Grant.objects.select_related(
        "application__cluster", "application__round__programme"
    ).prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "kind")))
    if round is not None:
        grants = grants.filter(application__round=round)
    if is_officer(user):
        return grants
    if not _is_active(user):
        return Grant.objects.none()
    return grants.filter(application__cluster__managers=user)


def grant_get_visible(user: Any, *, pk: int) -> Grant:
    found = grants_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such grant."))
    return found


def outline_get_visible(user: Any, *, pk: int) -> ProjectOutline:
    """A project outline of a grant the user may see (else 404, as for one that does not
    exist)."""
    found = (
        ProjectOutline.objects.select_related("grant__application__cluster")
        .filter(pk=pk, grant__in=grants_visible_to(user).values("pk"))
        .first()
    )
    if found is None:
        raise Http404(_("No such project outline."))
    return found


def project_get_visible(user: Any, *, pk: int) -> CollaborativeProject:
    found = projects_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such project."))
    return found


@dataclass(frozen=True)
class PhaseBudget:
    phase: Phase
    budget_eur: Decimal
    spent_eur: Decimal

    @property
    def remaining_eur(self) -> Decimal:
        return self.budget_eur - self.spent_eur


def phase_budgets(*, grant: Grant) -> list[PhaseBudget]:
    """Budget, spent and remaining per phase, in one query."""
    phases = Phase.objects.filter(grant=grant).annotate(spent=Sum("expenditures__amount_eur"))
    return [
        PhaseBudget(phase=phase, budget_eur=phase.budget_eur, spent_eur=phase.spent or Decimal(0))
        for phase in phases.order_by("starts_on", "kind")
    ]


def phase_remaining(*, phase: Phase) -> Decimal:
    spent = phase.expenditures.aggregate(total=Sum("amount_eur"))["total"] or Decimal(0)
    return phase.budget_eur - spent


# Projects ---------------------------------------------------------------------------------------


def projects_visible_to(user: Any, *, grant: Grant | None = None) -> QuerySet[CollaborativeProject]:
    projects = CollaborativeProject.objects.select_related(
        "grant__application__cluster", "outline"
    ).prefetch_related("participants__funding", "participants__cluster")
    if grant is not None:
        projects = projects.filter(grant=grant)
    if is_officer(user):
        return projects
    if not _is_active(user):
        return CollaborativeProject.objects.none()
    return projects.filter(grant__application__cluster__managers=user)


def ipr_document_get(user: Any, *, project_id: int) -> FieldFile:
    """The signed (or draft) IPR agreement's PDF of a project `user` may see; 404 otherwise.
    Media files are not served publicly, so every download goes through this check."""
    project = projects_visible_to(user).filter(pk=project_id).first()
    agreement = getattr(project, "ipr_agreement", None) if project is not None else None
    if agreement is None or not agreement.document:
        raise Http404(_("No such document."))
    document: FieldFile = agreement.document
    return document


def participant_has_confirmed_funding(participant: Participant) -> bool:
    """True when at least one own funding of the participant is confirmed and above zero."""
    return any(
        funding.status == FundingStatus.CONFIRMED and funding.amount_eur > 0
        for funding in participant.funding.all()
    )


def participants_missing_funding(*, project: CollaborativeProject) -> list[Participant]:
    """International participants without confirmed own funding (they block the start)."""
    return [
        participant
        for participant in project.participants.prefetch_related("funding").select_related(
            "cluster"
        )
        if participant.is_international and not participant_has_confirmed_funding(participant)
    ]


@dataclass(frozen=True)
class FootingRow:
    """One participant's side of the equal footing: funding, know-how, work, management."""

    participant: Participant
    is_international: bool
    funding_eur: Decimal
    confirmed_eur: Decimal
    funding_sources: list[str]
    know_how: str
    division_of_work: str
    management_organisation: str


def project_equal_footing(*, project: CollaborativeProject) -> list[FootingRow]:
    """The participants side by side, German first. A German participant's funding is the
    federal funding requested; an international one's is its own funding."""
    rows = []
    participants = project.participants.select_related(
        "cluster__management_organisation"
    ).prefetch_related("funding")
    for participant in participants:
        funding = list(participant.funding.all())
        if participant.is_international:
            total = sum((item.amount_eur for item in funding), Decimal(0))
            confirmed = sum(
                (item.amount_eur for item in funding if item.status == FundingStatus.CONFIRMED),
                Decimal(0),
            )
            sources = [item.source for item in funding]
        else:
            total = confirmed = participant.german_funding_eur or Decimal(0)
            sources = [_("federal funding")] if participant.german_funding_eur else []
        management = participant.management_organisation
        if not management and participant.cluster and participant.cluster.management_organisation:
            management = participant.cluster.management_organisation.name
        rows.append(
            FootingRow(
                participant=participant,
                is_international=participant.is_international,
                funding_eur=total,
                confirmed_eur=confirmed,
                funding_sources=sources,
                know_how=participant.know_how,
                division_of_work=participant.division_of_work,
                management_organisation=management,
            )
        )
    rows.sort(key=lambda row: (row.is_international, row.participant.pk))
    return rows


# Schedule (Gantt) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleBar:
    kind: str
    label: str
    starts_on: dt.date
    ends_on: dt.date
    budget_eur: Decimal
    is_sample: bool


@dataclass(frozen=True)
class ScheduleMilestone:
    title: str
    due_on: dt.date
    submitted_on: dt.date | None
    late: bool
    is_sample: bool


@dataclass
class ScheduleRow:
    grant_id: int
    cluster_name: str
    cluster_slug: str
    round_year: int
    is_sample: bool
    selection_inferred: bool
    starts_on: dt.date
    ends_on: dt.date
    phases: list[ScheduleBar]
    reports: list[ScheduleMilestone]


@dataclass
class Schedule:
    today: dt.date
    rows: list[ScheduleRow]
    starts_on: dt.date | None
    ends_on: dt.date | None

    def by_round(self) -> dict[int, list[ScheduleRow]]:
        grouped: dict[int, list[ScheduleRow]] = defaultdict(list)
        for row in self.rows:
            grouped[row.round_year].append(row)
        return dict(grouped)


def schedule(
    *, user: Any = None, round: Round | None = None, today: dt.date | None = None
) -> Schedule:
    """The Gantt data: per grant (grouped by round), its phases with dates and budgets and its
    reports with due dates and late flags, plus today. With `user`, only the grants that user
    may see; without, every grant (the schedule of phases is public, as in the founding
    document's proposed schedule; reports are shown only with a user who may see them)."""
    today = today or timezone.localdate()
    if user is None:
        grants = Grant.objects.select_related("application__cluster", "application__round")
        if round is not None:
            grants = grants.filter(application__round=round)
        show_reports = False
    else:
        grants = grants_visible_to(user, round=round)
        show_reports = True
    if user is None:
        grants = grants.prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "kind"))
        )
    grants = grants.prefetch_related(
        Prefetch("reports", queryset=ReportDue.objects.order_by("due_on", "pk")),
    ).order_by("application__round__year", "application__cluster__name")
    rows = []
    for grant in grants:
        application = grant.application
        rows.append(
            ScheduleRow(
                grant_id=grant.pk,
                cluster_name=application.cluster.name,
                cluster_slug=application.cluster.slug,
                round_year=application.round.year,
                is_sample=grant.is_sample,
                selection_inferred=application.selection_inferred,
                starts_on=grant.starts_on,
                ends_on=grant.ends_on,
                phases=[
                    ScheduleBar(
                        kind=phase.kind,
                        label=str(PhaseKind(phase.kind).label),
                        starts_on=phase.starts_on,
                        ends_on=phase.ends_on,
                        budget_eur=phase.budget_eur,
                        is_sample=phase.is_sample,
                    )
                    for phase in grant.phases.all()
                ],
                reports=[
                    ScheduleMilestone(
                        title=report.title,
                        due_on=report.due_on,
                        submitted_on=(
                            timezone.localtime(report.submitted_at).date()
                            if report.submitted_at
                            else None
                        ),
                        late=report.is_late(today),
                        is_sample=report.is_sample,
                    )
                    for report in grant.reports.all()
                ]
                if show_reports
                else [],
            )
        )
    return Schedule(
        today=today,
        rows=rows,
        starts_on=min((row.starts_on for row in rows), default=None),
        ends_on=max((row.ends_on for row in rows), default=None),
    )


SCHEDULE_CSV_HEADER = (
    "round",
    "cluster",
    "item",
    "kind",
    "starts_on",
    "ends_on",
    "budget_eur",
    "submitted_on",
    "late",
    "is_sample",
)


def schedule_csv(data: Schedule, stream: spreadsheet.Stream) -> int:
    """One line per phase and per report; returns the lines written (without the header)."""
    writer = spreadsheet.Writer(stream)
    writer.writerow(SCHEDULE_CSV_HEADER)
    lines = 0
    for row in data.rows:
        for bar in row.phases:
            writer.writerow(
                (
                    row.round_year,
                    row.cluster_name,
                    "phase",
                    bar.kind,
                    bar.starts_on,
                    bar.ends_on,
                    bar.budget_eur,
                    None,
                    None,
                    bar.is_sample or row.is_sample,
                )
            )
            lines += 1
        for report in row.reports:
            writer.writerow(
                (
                    row.round_year,
                    row.cluster_name,
                    "report",
                    report.title,
                    None,
                    report.due_on,
                    None,
                    report.submitted_on,
                    report.late,
                    report.is_sample,
                )
            )
            lines += 1
    return lines


def reports_to_remind(*, days: int, today: dt.date | None = None) -> QuerySet[ReportDue]:
    """Reports not yet in, due within `days` days, with no reminder sent yet."""
    today = today or timezone.localdate()
    return ReportDue.objects.filter(
        submitted_at__isnull=True,
        reminded_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=days),
    ).select_related("grant__application__cluster")


def reports_late(*, today: dt.date | None = None) -> QuerySet[ReportDue]:
    """Reports past their due date and not in, not yet flagged."""
    today = today or timezone.localdate()
    return ReportDue.objects.filter(
        submitted_at__isnull=True, late_flagged_at__isnull=True, due_on__lt=today
    ).select_related("grant__application__cluster")
