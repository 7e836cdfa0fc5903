"""Writes and business rules of the funding programme. Every service is keyword-only, takes the
acting user, checks the permission (`programme.*` in `rules`) again, runs in one transaction,
calls `full_clean()` before saving, writes the audit log and sends mail after commit.

A broken rule raises `ValidationError` keyed by the field at fault, with a message that names
the rule ("Concept phase at most 24 months (programme rule)"); a missing permission raises
`PermissionDenied`. Nothing is changed in either case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterbridge.accounts.models import User
from clusterbridge.audit.services import audit_record, changes_between
from clusterbridge.clusters.models import Cluster
from clusterbridge.programme import selectors, validators
from clusterbridge.programme.emails import Period, notify_on_commit
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
    BudgetLine,
    CollaborativeProject,
    ConflictDeclaration,
    Expenditure,
    FundingProgramme,
    Grant,
    InternationalisationConcept,
    IPRAgreement,
    OwnFunding,
    Participant,
    Phase,
    ProjectOutline,
    ReportDue,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewScore,
    Round,
)

S = ApplicationState


def _require(actor: User, perm: str, obj: Any = None, message: str = "") -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(message or _("You may not do this."))


def _managers(cluster: Cluster) -> list[User]:
    return list(cluster.managers.all())


# Programme and rounds -----------------------------------------------------------------------------

PROGRAMME_FIELDS = (
    "name_en",
    "name_de",
    "funder",
    "agency",
    "max_grant_eur",
    "concept_max_months",
    "implementation_max_months",
    "total_max_months",
    "phases_may_overlap",
    "target_per_round",
    "budget_eur",
    "german_funding_rate",
    "international_partners_fund_themselves",
)
ROUND_FIELDS = (
    "call_opens",
    "call_closes",
    "review_starts",
    "review_ends",
    "decision_date",
    "decision_date_precision",
    "budget_eur",
    "target_selected",
)


def _snapshot(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _settings_update(
    obj: FundingProgramme | Round,
    *,
    actor: User,
    data: Mapping[str, Any],
    allowed: Iterable[str],
    unknown_message: str,
    action: str,
) -> None:
    """Sets the keys of `data` (each in `allowed`) on a programme or round, checks and saves
    it, and logs what changed."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), unknown_message))
    before = _snapshot(obj, data)
    for name, value in data.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    audit_record(
        actor=actor,
        action=action,
        target=obj,
        changes=changes_between(before, _snapshot(obj, data)),
    )


@transaction.atomic
def programme_update(
    *, programme: FundingProgramme, actor: User, data: Mapping[str, Any]
) -> FundingProgramme:
    """Officers change a programme's rules; only the keys in `data` change."""
    _require(actor, "programme.manage_programme", message=_("Only programme officers may do this."))
    _settings_update(
        programme,
        actor=actor,
        data=data,
        allowed=PROGRAMME_FIELDS,
        unknown_message=_("Not a programme setting."),
        action="programme.programme.updated",
    )
    return programme


@transaction.atomic
def round_create(*, programme: FundingProgramme, actor: User, year: int, **values: Any) -> Round:
    """A new round of `programme` (officers); `values` are `ROUND_FIELDS`."""
    _require(actor, "programme.manage_programme", message=_("Only programme officers may do this."))
    unknown = set(values) - set(ROUND_FIELDS)
    if unknown:
        raise ValidationError({name: _("Not a round setting.") for name in sorted(unknown)})
    if Round.objects.filter(programme=programme, year=year).exists():
        raise ValidationError(
            {
                "year": _("There is already a round in %(year)s (one round per year).")
                % {"year": year}
            }
        )
    round = Round(programme=programme, year=year, **values)
    round.full_clean()
    round.save()
    audit_record(
        actor=actor,
        action="programme.round.created",
        target=round,
        changes=_snapshot(round, ["year", *values]),
    )
    return round


@transaction.atomic
def round_update(*, round: Round, actor: User, data: Mapping[str, Any]) -> Round:
    _require(actor, "programme.manage_programme", message=_("Only programme officers may do this."))
    _settings_update(
        round,
        actor=actor,
        data=data,
        allowed=ROUND_FIELDS,
        unknown_message=_("Not a round setting."),
        action="programme.round.updated",
    )
    return round


@transaction.atomic
def criterion_create(
    *,
    round: Round,
    actor: User,
    name_en: str,
    name_de: str = "",
    weight: Decimal = Decimal(1),
    min_score: int = 0,
    max_score: int = 10,
    description_en: str = "",
    description_de: str = "",
) -> ReviewCriterion:
    """A weighted criterion of a round (officers). Criteria are fixed once reviews exist, so
    every review of a round is scored on the same scale."""
    _require(actor, "programme.manage_programme", message=_("Only programme officers may do this."))
    if Review.objects.filter(application__round=round).exists():
        raise ValidationError(
            {"name_en": _("Criteria cannot change once reviews exist (round rule).")}
        )
    position = round.criteria.count()
    criterion = ReviewCriterion(
        round=round,
        name_en=name_en,
        name_de=name_de,
        weight=weight,
        min_score=min_score,
        max_score=max_score,
        description_en=description_en,
        description_de=description_de,
        position=position,
    )
    if criterion.max_score <= criterion.min_score:
        raise ValidationError({"max_score": _("The highest score must be above the lowest score.")})
    criterion.full_clean()
    criterion.save()
    audit_record(
        actor=actor,
        action="programme.criterion.created",
        target=criterion,
        changes={"name_en": name_en, "weight": weight, "range": [min_score, max_score]},
    )
    return criterion


# Applications -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetLineIn:
    phase: str
    year: int
    amount_eur: Decimal
    description: str = ""


SKETCH_FIELDS = ("title", "idea", "target_countries", "target_regions")


def _check_budget_lines(
    *, round: Round, lines: Sequence[BudgetLineIn], rules: validators.ProgrammeRules
) -> None:
    errors: dict[str, list[str]] = {}
    last_year = round.year + rules.total_max_months // 12 + 1
    for index, line in enumerate(lines):
        if line.phase not in PhaseKind.values:
            errors.setdefault(f"budget_lines.{index}.phase", []).append(
                _("Choose the concept or the implementation phase.")
            )
        if line.amount_eur < 0:
            errors.setdefault(f"budget_lines.{index}.amount_eur", []).append(
                _("Amounts cannot be negative.")
            )
        if not round.year <= line.year <= last_year:
            errors.setdefault(f"budget_lines.{index}.year", []).append(
                _("A budget year lies between %(first)s and %(last)s (the grant's duration).")
                % {"first": round.year, "last": last_year}
            )
    if errors:
        raise ValidationError(errors)
    total = sum((line.amount_eur for line in lines), Decimal(0))
    validators.validate_grant_amount(total, rules=rules, field="budget_lines")


def _check_partner_candidates(candidates: Sequence[Cluster]) -> None:
    german = [cluster.name for cluster in candidates if cluster.is_german]
    if german:
        raise ValidationError(
            {
                "partner_candidates": _(
                    "Partner candidates are clusters abroad; these are German: %(names)s"
                )
                % {"names": ", ".join(german)}
            }
        )


def _replace_budget_lines(application: Application, lines: Sequence[BudgetLineIn]) -> None:
    application.budget_lines.all().delete()
    for line in lines:
        row = BudgetLine(
            application=application,
            phase=line.phase,
            year=line.year,
            amount_eur=line.amount_eur,
            description=line.description,
        )
        row.full_clean()
        row.save()


def _budget_snapshot(application: Application) -> list[list[Any]]:
    return [
        [line.phase, line.year, str(line.amount_eur)]
        for line in BudgetLine.objects.filter(application=application).order_by(
            "phase", "year", "pk"
        )
    ]


def _country_codes(codes: Iterable[str]) -> list[str]:
    """Codes as ISO writes them (upper case), without blanks or repeats, in the given order."""
    return list(dict.fromkeys(code.strip().upper() for code in codes if code.strip()))


def _locked(application: Application) -> Application:
    """The application as stored now, locked for this transaction: a caller's instance may be
    stale (another request moved it on), and rules must judge the current state."""
    return (
        Application.objects.select_for_update()
        .select_related("round__programme", "cluster")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_create(
    *,
    round: Round,
    cluster: Cluster,
    actor: User,
    title: str = "",
    idea: str = "",
    target_countries: Sequence[str] = (),
    target_regions: Sequence[str] = (),
    partner_candidates: Sequence[Cluster] = (),
    budget_lines: Sequence[BudgetLineIn] = (),
) -> Application:
    """Starts a sketch (a draft) for a German cluster that `actor` manages. Drafts may be
    started until the call closes (never for a round without a closing date); one application
    per cluster per round."""
    _require(
        actor,
        "programme.create_application",
        cluster,
        _("Only managers of a German cluster may apply for it."),
    )
    if round.call_has_closed():
        raise ValidationError(
            {
                "round": _(
                    "No application after the call closes (programme rule): "
                    "the call closed on %(date)s."
                )
                % {"date": round.call_closes}
            }
        )
    if round.call_closes is None:
        # A round without a known deadline (a past round whose date is unpublished, or one
        # not yet configured) takes no sketches.
        raise ValidationError(
            {"round": _("The call for round %(year)s is not open.") % {"year": round.year}}
        )
    if Application.objects.filter(round=round, cluster=cluster).exists():
        raise ValidationError(
            {
                "cluster": _(
                    "One application per cluster per round (programme rule): "
                    "%(cluster)s has already applied in %(year)s."
                )
                % {"cluster": cluster.name, "year": round.year}
            }
        )
    _check_partner_candidates(partner_candidates)
    _check_budget_lines(round=round, lines=budget_lines, rules=round.programme.rules)
    application = Application(
        round=round,
        cluster=cluster,
        title=title,
        idea=idea,
        target_countries=_country_codes(target_countries),
        target_regions=[region.strip() for region in target_regions if region.strip()],
        created_by=actor,
    )
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # a concurrent request created it first
        raise ValidationError(
            {"cluster": _("One application per cluster per round (programme rule).")}
        ) from exc
    application.partner_candidates.set(partner_candidates)
    _replace_budget_lines(application, budget_lines)
    audit_record(
        actor=actor,
        action="programme.application.created",
        target=application,
        cluster_id=cluster.pk,
        changes={"round": round.year, "title": title},
    )
    return application


@transaction.atomic
def application_update_sketch(
    *,
    application: Application,
    actor: User,
    data: Mapping[str, Any],
    partner_candidates: Sequence[Cluster] | None = None,
    budget_lines: Sequence[BudgetLineIn] | None = None,
) -> Application:
    """Edits a sketch draft (`data` keys from `SKETCH_FIELDS`); None leaves a list unchanged.
    A budget change is logged as such."""
    application = _locked(application)
    _require(
        actor,
        "programme.edit_sketch",
        application,
        _("Only the applicants may edit a sketch, and only while it is a draft."),
    )
    unknown = set(data) - set(SKETCH_FIELDS)
    if unknown:
        raise ValidationError({name: _("Not a field of the sketch.") for name in sorted(unknown)})
    if partner_candidates is not None:
        _check_partner_candidates(partner_candidates)
    if budget_lines is not None:
        _check_budget_lines(
            round=application.round, lines=budget_lines, rules=application.round.programme.rules
        )
    before = _snapshot(application, data)
    for name, value in data.items():
        if name == "target_countries":
            value = _country_codes(value)
        elif name == "target_regions":
            value = [region.strip() for region in value if region.strip()]
        setattr(application, name, value)
    application.full_clean()
    application.save()
    changes = changes_between(before, _snapshot(application, data))
    if partner_candidates is not None:
        old = sorted(application.partner_candidates.values_list("pk", flat=True))
        application.partner_candidates.set(partner_candidates)
        new = sorted(cluster.pk for cluster in partner_candidates)
        if old != new:
            changes["partner_candidates"] = [old, new]
    audit_record(
        actor=actor,
        action="programme.application.updated",
        target=application,
        cluster_id=application.cluster_id,
        changes=changes,
    )
    if budget_lines is not None:
        old_budget = _budget_snapshot(application)
        _replace_budget_lines(application, budget_lines)
        new_budget = _budget_snapshot(application)
        if old_budget != new_budget:
            audit_record(
                actor=actor,
                action="programme.application.budget_changed",
                target=application,
                cluster_id=application.cluster_id,
                changes={"budget_lines": [old_budget, new_budget]},
            )
    return application


@transaction.atomic
def application_update_formal(
    *,
    application: Application,
    actor: User,
    formal_text: str,
    budget_lines: Sequence[BudgetLineIn] | None = None,
) -> Application:
    """Writes the formal application after the panel's recommendation."""
    application = _locked(application)
    _require(
        actor,
        "programme.edit_formal",
        application,
        _("Only the applicants may write the formal application, after the recommendation."),
    )
    if budget_lines is not None:
        _check_budget_lines(
            round=application.round, lines=budget_lines, rules=application.round.programme.rules
        )
    before = {"formal_text": application.formal_text}
    application.formal_text = formal_text
    application.full_clean()
    application.save()
    audit_record(
        actor=actor,
        action="programme.application.updated",
        target=application,
        cluster_id=application.cluster_id,
        changes=changes_between(before, {"formal_text": formal_text}),
    )
    if budget_lines is not None:
        old_budget = _budget_snapshot(application)
        _replace_budget_lines(application, budget_lines)
        if old_budget != _budget_snapshot(application):
            audit_record(
                actor=actor,
                action="programme.application.budget_changed",
                target=application,
                cluster_id=application.cluster_id,
                changes={"budget_lines": [old_budget, _budget_snapshot(application)]},
            )
    return application


# Allowed moves: (from, to) → who may make them. Officers' moves need a written justification.
APPLICANT = "applicant"
OFFICER = "officer"
TRANSITIONS: dict[tuple[ApplicationState, ApplicationState], str] = {
    (S.DRAFT, S.SUBMITTED): APPLICANT,
    (S.DRAFT, S.WITHDRAWN): APPLICANT,
    (S.SUBMITTED, S.WITHDRAWN): APPLICANT,
    (S.RECOMMENDED, S.WITHDRAWN): APPLICANT,
    (S.FORMAL_SUBMITTED, S.WITHDRAWN): APPLICANT,
    (S.RECOMMENDED, S.FORMAL_SUBMITTED): APPLICANT,
    (S.SUBMITTED, S.RECOMMENDED): OFFICER,
    (S.SUBMITTED, S.NOT_RECOMMENDED): OFFICER,
    # The panel may revise a decision until the formal application is in.
    (S.RECOMMENDED, S.NOT_RECOMMENDED): OFFICER,
    (S.NOT_RECOMMENDED, S.RECOMMENDED): OFFICER,
    (S.FORMAL_SUBMITTED, S.AGENCY_REVIEW): OFFICER,
    (S.AGENCY_REVIEW, S.APPROVED): OFFICER,
    (S.AGENCY_REVIEW, S.DECLINED): OFFICER,
}
JUSTIFIED = frozenset({S.RECOMMENDED, S.NOT_RECOMMENDED, S.APPROVED, S.DECLINED})

_MAIL_SUBJECT = gettext_lazy("%(cluster)s, round %(year)s: %(state)s")
_MAIL_BODY_APPLICANT = gettext_lazy(
    "The application of %(cluster)s to round %(year)s of the funding programme is now: "
    "%(state)s.\n\n%(justification)s"
)
_MAIL_BODY_OFFICER = gettext_lazy(
    "%(cluster)s has submitted to round %(year)s of the funding programme (%(state)s)."
)


def _check_sketch_complete(application: Application) -> None:
    errors: dict[str, str] = {}
    if not application.title.strip():
        errors["title"] = _("A sketch needs a title.")
    if not application.idea.strip():
        errors["idea"] = _("A sketch needs the internationalisation idea.")
    if not application.target_countries:
        errors["target_countries"] = _("A sketch names at least one target country.")
    if not application.budget_lines.exists():
        errors["budget_lines"] = _("A sketch plans its budget per phase and year.")
    if errors:
        raise ValidationError(errors)
    total = application.budget_lines.aggregate(total=Sum("amount_eur"))["total"]
    validators.validate_grant_amount(
        total or Decimal(0), rules=application.round.programme.rules, field="budget_lines"
    )


@transaction.atomic
def application_transition(
    *,
    application: Application,
    to: ApplicationState | str,
    actor: User,
    justification: str = "",
    presentation_on: dt.date | None = None,
) -> Application:
    """The one way an application changes state: checks the move is allowed and that `actor`
    may make it, applies the move's rules (the call is open for a sketch; the formal
    application is written; officers justify decisions), logs `programme.application.<state>`
    and mails applicants (and officers on a submission) after commit."""
    given = application
    application = (
        Application.objects.select_for_update()
        .select_related("round__programme", "cluster")
        .get(pk=application.pk)
    )
    target = ApplicationState(to)
    source = ApplicationState(application.state)
    who = TRANSITIONS.get((source, target))
    if who is None:
        raise ValidationError(
            {
                "state": _("An application cannot go from “%(from)s” to “%(to)s”.")
                % {"from": source.label, "to": target.label}
            }
        )
    if who == APPLICANT:
        _require(
            actor,
            "programme.withdraw_application"
            if target == S.WITHDRAWN
            else ("programme.submit_sketch" if source == S.DRAFT else "programme.submit_formal"),
            application,
            _("Only the applicants may do this."),
        )
    else:
        _require(
            actor, "programme.decide_application", message=_("Only programme officers decide.")
        )
    justification = justification.strip()
    if target in JUSTIFIED and not justification:
        raise ValidationError({"justification": _("Every decision needs a written justification.")})
    now = timezone.now()
    if target == S.SUBMITTED:
        round = application.round
        if not round.call_is_open():
            if round.call_has_closed():
                message = _(
                    "No application after the call closes (programme rule): "
                    "the call closed on %(date)s."
                ) % {"date": round.call_closes}
            else:
                message = _("The call for round %(year)s is not open.") % {"year": round.year}
            raise ValidationError({"state": message})
        _check_sketch_complete(application)
        application.submitted_at = now
    elif target == S.FORMAL_SUBMITTED:
        if not application.formal_text.strip():
            raise ValidationError(
                {"formal_text": _("Write the formal application before submitting it.")}
            )
        application.formal_submitted_at = now
    elif target in {S.RECOMMENDED, S.NOT_RECOMMENDED}:
        application.panel_justification = justification
        application.decided_at = now
        if presentation_on is not None:
            application.presentation_on = presentation_on
    elif target in {S.APPROVED, S.DECLINED}:
        application.agency_note = justification
        application.decided_at = now
    application.state = target
    application.full_clean()
    application.save()
    changes: dict[str, Any] = {"state": [source.value, target.value]}
    if justification:
        changes["justification"] = justification
    if presentation_on is not None:
        changes["presentation_on"] = presentation_on
    audit_record(
        actor=actor,
        action=f"programme.application.{target.value}",
        target=application,
        cluster_id=application.cluster_id,
        changes=changes,
    )
    params = {
        "cluster": application.cluster.name,
        "year": application.round.year,
        "state": target.label,
        "justification": justification,
    }
    notify_on_commit(
        users=_managers(application.cluster),
        subject=_MAIL_SUBJECT,
        body=_MAIL_BODY_APPLICANT,
        params=params,
    )
    if target in {S.SUBMITTED, S.FORMAL_SUBMITTED}:
        notify_on_commit(
            users=selectors.officers(),
            subject=_MAIL_SUBJECT,
            body=_MAIL_BODY_OFFICER,
            params=params,
        )
    # The caller's instance follows, so it never holds a stale state.
    given.refresh_from_db()
    return application


def application_submit(*, application: Application, actor: User) -> Application:
    """Submits the sketch (while the call is open) or, after the recommendation, the formal
    application."""
    state = Application.objects.filter(pk=application.pk).values_list("state", flat=True).get()
    to = S.FORMAL_SUBMITTED if state == S.RECOMMENDED else S.SUBMITTED
    return application_transition(application=application, to=to, actor=actor)


def application_withdraw(
    *, application: Application, actor: User, justification: str = ""
) -> Application:
    return application_transition(
        application=application, to=S.WITHDRAWN, actor=actor, justification=justification
    )


# Review -------------------------------------------------------------------------------------------

_ASSIGN_SUBJECT = gettext_lazy("Review request: %(cluster)s, round %(year)s")
_ASSIGN_BODY = gettext_lazy(
    "You are asked to review the application of %(cluster)s to round %(year)s. If you have a "
    "conflict of interest, declare it before reviewing."
)


def _check_no_conflict(*, application: Application, juror: User) -> None:
    conflicts = selectors.conflicts_for(juror=juror, application=application)
    if conflicts:
        raise ValidationError(
            {
                "juror": _("No review by a conflicted juror (programme rule): %(reasons)s.")
                % {"reasons": "; ".join(conflict.detail for conflict in conflicts)}
            }
        )


@transaction.atomic
def assignment_create(*, application: Application, juror: User, actor: User) -> ReviewAssignment:
    """An officer asks a juror to review a submitted sketch; refused where the juror has a
    conflict (declared or detected)."""
    _require(actor, "programme.assign_jurors", message=_("Only programme officers assign jurors."))
    if not selectors.is_juror(juror):
        raise ValidationError({"juror": _("%(user)s is not a jury member.") % {"user": juror}})
    if application.state != S.SUBMITTED:
        raise ValidationError(
            {"application": _("Only submitted sketches are assigned for review.")}
        )
    blocker = selectors.round_review_blocker(round=application.round)
    if blocker is not None:
        raise ValidationError({"round": blocker})
    _check_no_conflict(application=application, juror=juror)
    assignment, created = ReviewAssignment.objects.get_or_create(
        application=application, juror=juror, defaults={"assigned_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="programme.assignment.created",
            target=application,
            cluster_id=application.cluster_id,
            changes={"juror": juror.get_username()},
        )
        notify_on_commit(
            users=[juror],
            subject=_ASSIGN_SUBJECT,
            body=_ASSIGN_BODY,
            params={"cluster": application.cluster.name, "year": application.round.year},
        )
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: ReviewAssignment, actor: User) -> None:
    _require(actor, "programme.assign_jurors", message=_("Only programme officers assign jurors."))
    application = assignment.application
    if Review.objects.filter(application=application, juror=assignment.juror).exists():
        raise ValidationError(
            {"juror": _("This juror has already reviewed the application; the review stays.")}
        )
    audit_record(
        actor=actor,
        action="programme.assignment.deleted",
        target=application,
        cluster_id=application.cluster_id,
        changes={"juror": assignment.juror.get_username()},
    )
    assignment.delete()


@dataclass(frozen=True)
class SuggestedAssignment:
    application: Application
    juror: User


def assignment_suggest(
    *, round: Round, per_application: int = 2, jury: Sequence[User] | None = None
) -> list[SuggestedAssignment]:
    """A proposal, not a decision: for every submitted sketch with fewer than
    `per_application` jurors, the conflict-free jurors with the lowest load (existing
    assignments plus those proposed so far; ties by name). Officers adjust it and apply it
    with `assignments_apply`."""
    pool = list(jury if jury is not None else selectors.jurors())
    applications = list(
        Application.objects.filter(round=round, state=S.SUBMITTED)
        .select_related("cluster")
        .prefetch_related("assignments")
        .order_by("cluster__name")
    )
    load = selectors.juror_loads(round=round)
    conflicts = {
        juror.pk: selectors.conflicts_by_application(juror=juror, applications=applications)
        for juror in pool
    }
    proposal = []
    for application in applications:
        assigned = {assignment.juror_id for assignment in application.assignments.all()}
        needed = per_application - len(assigned)
        candidates = [
            juror
            for juror in pool
            if juror.pk not in assigned and not conflicts[juror.pk].get(application.pk)
        ]
        candidates.sort(key=lambda juror: (load.get(juror.pk, 0), juror.get_username()))
        for juror in candidates[: max(0, needed)]:
            proposal.append(SuggestedAssignment(application=application, juror=juror))
            load[juror.pk] = load.get(juror.pk, 0) + 1
    return proposal


@transaction.atomic
def assignments_apply(
    *, pairs: Sequence[tuple[Application, User]], actor: User
) -> list[ReviewAssignment]:
    """Applies a (possibly adjusted) proposal; all or nothing."""
    return [
        assignment_create(application=application, juror=juror, actor=actor)
        for application, juror in pairs
    ]


@transaction.atomic
def conflict_declare(*, application: Application, juror: User, reason: str = "") -> None:
    """A juror declares a conflict of interest: the application disappears from their list
    and they can no longer review it; any review they wrote is withdrawn."""
    _require(
        juror,
        "programme.declare_conflict",
        application,
        _("Only jurors assigned to an application declare conflicts with it."),
    )
    ConflictDeclaration.objects.get_or_create(
        application=application, juror=juror, defaults={"reason": reason}
    )
    removed, _detail = Review.objects.filter(application=application, juror=juror).delete()
    audit_record(
        actor=juror,
        action="programme.conflict.declared",
        target=application,
        cluster_id=application.cluster_id,
        changes={"reason": reason, "review_removed": bool(removed)},
    )


@transaction.atomic
def review_submit(
    *,
    application: Application,
    juror: User,
    scores: Mapping[int, int],
    comment: str = "",
    no_conflict_declared: bool,
) -> Review:
    """Writes (or revises) the juror's review: a score for every criterion of the round, in
    its range, and a declaration of no conflict of interest. Only assigned jurors without a
    conflict review, and only while the sketch awaits the panel's decision."""
    if not selectors.is_juror(juror) or not application.assignments.filter(juror=juror).exists():
        raise PermissionDenied(
            _("No review by an unassigned juror (programme rule): only assigned jurors review.")
        )
    _check_no_conflict(application=application, juror=juror)
    _require(
        juror,
        "programme.review_application",
        application,
        _("Reviews are written while the sketch awaits the panel's decision."),
    )
    if not no_conflict_declared:
        raise ValidationError(
            {"no_conflict_declared": _("Declare that you have no conflict of interest.")}
        )
    criteria = list(application.round.criteria.all())
    if not criteria:
        raise ValidationError({"scores": _("The round has no review criteria yet.")})
    errors: dict[str, str] = {}
    known = {criterion.pk for criterion in criteria}
    for criterion_id in scores:
        if criterion_id not in known:
            errors[f"scores.{criterion_id}"] = _("Not a criterion of this round.")
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None:
            errors[f"scores.{criterion.pk}"] = _("Score “%(criterion)s”.") % {
                "criterion": criterion.name
            }
        elif not criterion.min_score <= value <= criterion.max_score:
            errors[f"scores.{criterion.pk}"] = _(
                "%(criterion)s is scored from %(min)s to %(max)s (round rule)."
            ) % {
                "criterion": criterion.name,
                "min": criterion.min_score,
                "max": criterion.max_score,
            }
    if errors:
        raise ValidationError(errors)
    review, created = Review.objects.get_or_create(
        application=application,
        juror=juror,
        defaults={"comment": comment, "no_conflict_declared": True},
    )
    before = {score.criterion_id: score.score for score in review.scores.all()}
    review.comment = comment
    review.no_conflict_declared = True
    review.full_clean()
    review.save()
    for criterion in criteria:
        ReviewScore.objects.update_or_create(
            review=review, criterion=criterion, defaults={"score": scores[criterion.pk]}
        )
    total = selectors.weighted_total(criteria=criteria, scores=scores)
    audit_record(
        actor=juror,
        action="programme.review.submitted" if created else "programme.review.revised",
        target=application,
        cluster_id=application.cluster_id,
        changes={
            "scores": {str(key): [before.get(key), scores[key]] for key in sorted(scores)},
            "weighted_total": total,
        },
    )
    return review


# Selection ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectionDecision:
    application_id: int
    select: bool
    justification: str
    presentation_on: dt.date | None = None


@dataclass
class SelectionOutcome:
    applications: list[Application]
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def selection_decide(
    *, round: Round, actor: User, decisions: Sequence[SelectionDecision]
) -> SelectionOutcome:
    """The panel's decisions for a batch of applications of one round, each with its written
    justification; all or nothing. Exceeding the round's target or budget is allowed and
    returned as warnings."""
    _require(actor, "programme.decide_selection", message=_("Only programme officers decide."))
    errors: dict[str, str] = {}
    applications = {
        application.pk: application
        for application in Application.objects.filter(
            round=round, pk__in=[decision.application_id for decision in decisions]
        )
    }
    for index, decision in enumerate(decisions):
        if decision.application_id not in applications:
            errors[f"decisions.{index}.application_id"] = _("Not an application of this round.")
        elif not decision.justification.strip():
            errors[f"decisions.{index}.justification"] = _(
                "Every decision needs a written justification."
            )
    if errors:
        raise ValidationError(errors)
    decided = []
    for index, decision in enumerate(decisions):
        application = applications[decision.application_id]
        to = S.RECOMMENDED if decision.select else S.NOT_RECOMMENDED
        if application.state == to:
            decided.append(application)
            continue
        try:
            decided.append(
                application_transition(
                    application=application,
                    to=to,
                    actor=actor,
                    justification=decision.justification,
                    presentation_on=decision.presentation_on,
                )
            )
        except ValidationError as exc:
            raise ValidationError({f"decisions.{index}": list(exc.messages)}) from exc
    board = selectors.selection_board(round=round)
    return SelectionOutcome(applications=decided, warnings=board.warnings)


# Grants and phases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhasePlan:
    starts_on: dt.date
    ends_on: dt.date
    budget_eur: Decimal


_GRANT_SUBJECT = gettext_lazy("Grant for %(cluster)s: %(what)s")
_GRANT_BODY = gettext_lazy("%(what)s\n\n%(detail)s")


def _check_grant_plan(
    *,
    rules: validators.ProgrammeRules,
    amount_eur: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
    concept: PhasePlan,
    implementation: PhasePlan | None,
) -> None:
    errors: dict[str, list[str]] = {}
    for check in (
        lambda: validators.validate_grant_amount(amount_eur, rules=rules),
        lambda: validators.validate_phases(
            grant_start=starts_on,
            grant_end=ends_on,
            concept=(concept.starts_on, concept.ends_on),
            implementation=(
                (implementation.starts_on, implementation.ends_on) if implementation else None
            ),
            rules=rules,
        ),
        lambda: validators.validate_phase_budgets(
            grant_amount=amount_eur,
            budgets=[concept.budget_eur] + ([implementation.budget_eur] if implementation else []),
        ),
    ):
        try:
            check()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    for kind, plan in (("concept", concept), ("implementation", implementation)):
        if plan is not None and plan.budget_eur < 0:
            errors.setdefault(f"{kind}_budget_eur", []).append(_("Amounts cannot be negative."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def grant_create(
    *,
    application: Application,
    actor: User,
    amount_eur: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
    concept: PhasePlan,
    implementation: PhasePlan | None = None,
    german_funding_rate: Decimal | None = None,
    is_sample: bool = False,
) -> Grant:
    """Makes the grant of an approved application with its phases: grant at most the
    programme's maximum, each phase within its cap and inside the grant, the whole at most the
    total duration, phase budgets adding up to the grant."""
    _require(actor, "programme.change_grant", message=_("Only programme officers make grants."))
    if application.state != S.APPROVED:
        raise ValidationError({"application": _("Only an approved application becomes a grant.")})
    if Grant.objects.filter(application=application).exists():
        raise ValidationError({"application": _("This application already has its grant.")})
    programme = application.round.programme
    _check_grant_plan(
        rules=programme.rules,
        amount_eur=amount_eur,
        starts_on=starts_on,
        ends_on=ends_on,
        concept=concept,
        implementation=implementation,
    )
    grant = Grant(
        application=application,
        amount_eur=amount_eur,
        starts_on=starts_on,
        ends_on=ends_on,
        german_funding_rate=(
            german_funding_rate
            if german_funding_rate is not None
            else programme.german_funding_rate
        ),
        is_sample=is_sample,
    )
    grant.full_clean()
    grant.save()
    for kind, plan in ((PhaseKind.CONCEPT, concept), (PhaseKind.IMPLEMENTATION, implementation)):
        if plan is None:
            continue
        phase = Phase(
            grant=grant,
            kind=kind,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            budget_eur=plan.budget_eur,
            is_sample=is_sample,
        )
        phase.full_clean()
        phase.save()
    audit_record(
        actor=actor,
        action="programme.grant.created",
        target=grant,
        cluster_id=application.cluster_id,
        changes={
            "amount_eur": amount_eur,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "concept": [concept.starts_on, concept.ends_on, concept.budget_eur],
            "implementation": (
                [implementation.starts_on, implementation.ends_on, implementation.budget_eur]
                if implementation
                else None
            ),
        },
    )
    notify_on_commit(
        users=_managers(application.cluster),
        subject=_GRANT_SUBJECT,
        body=_GRANT_BODY,
        params={
            "cluster": application.cluster.name,
            "what": gettext_lazy("grant made"),
            "detail": Period(starts_on=starts_on, ends_on=ends_on, amount_eur=amount_eur),
        },
    )
    return grant


@transaction.atomic
def application_approve(
    *,
    application: Application,
    actor: User,
    justification: str,
    amount_eur: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
    concept: PhasePlan,
    implementation: PhasePlan | None = None,
    german_funding_rate: Decimal | None = None,
) -> Grant:
    """The approval after the agency's review: the application becomes APPROVED and its grant
    is made in the same transaction (a rule broken by the grant undoes the approval)."""
    approved = application_transition(
        application=application, to=S.APPROVED, actor=actor, justification=justification
    )
    return grant_create(
        application=approved,
        actor=actor,
        amount_eur=amount_eur,
        starts_on=starts_on,
        ends_on=ends_on,
        concept=concept,
        implementation=implementation,
        german_funding_rate=german_funding_rate,
    )


@transaction.atomic
def grant_change_budget(
    *,
    grant: Grant,
    actor: User,
    amount_eur: Decimal,
    phase_budgets: Mapping[str, Decimal],
    justification: str,
) -> Grant:
    """Changes the grant's amount and its phases' budgets together (they must add up), never
    below what a phase has already spent."""
    _require(actor, "programme.change_grant", message=_("Only programme officers change grants."))
    if not justification.strip():
        raise ValidationError({"justification": _("Every decision needs a written justification.")})
    given, grant = grant, Grant.objects.select_for_update().get(pk=grant.pk)
    rules = grant.programme.rules
    phases = {phase.kind: phase for phase in grant.phases.all()}
    unknown = set(phase_budgets) - set(phases)
    if unknown:
        raise ValidationError(
            {f"phase_budgets.{kind}": _("The grant has no such phase.") for kind in unknown}
        )
    new_budgets = {
        kind: phase_budgets.get(kind, phase.budget_eur) for kind, phase in phases.items()
    }
    validators.validate_grant_amount(amount_eur, rules=rules)
    validators.validate_phase_budgets(
        grant_amount=amount_eur, budgets=new_budgets.values(), field="phase_budgets"
    )
    for kind, budget in new_budgets.items():
        spent = phases[kind].budget_eur - selectors.phase_remaining(phase=phases[kind])
        if budget < spent:
            raise ValidationError(
                {
                    f"phase_budgets.{kind}": _(
                        "A phase budget cannot fall below what is already spent (%(spent)s EUR)."
                    )
                    % {"spent": f"{spent:,.2f}"}
                }
            )
    before = {"amount_eur": grant.amount_eur, **{k: p.budget_eur for k, p in phases.items()}}
    grant.amount_eur = amount_eur
    grant.full_clean()
    grant.save()
    for kind, budget in new_budgets.items():
        phases[kind].budget_eur = budget
        phases[kind].full_clean()
        phases[kind].save()
    after = {"amount_eur": amount_eur, **new_budgets}
    audit_record(
        actor=actor,
        action="programme.grant.budget_changed",
        target=grant,
        cluster_id=grant.application.cluster_id,
        changes={**changes_between(before, after), "justification": justification},
    )
    notify_on_commit(
        users=_managers(grant.application.cluster),
        subject=_GRANT_SUBJECT,
        body=_GRANT_BODY,
        params={
            "cluster": grant.application.cluster.name,
            "what": gettext_lazy("budget changed"),
            "detail": justification,
        },
    )
    given.refresh_from_db()
    return grant


@transaction.atomic
def phase_add(
    *,
    grant: Grant,
    actor: User,
    kind: PhaseKind | str,
    plan: PhasePlan,
    justification: str,
    amount_eur: Decimal | None = None,
) -> Phase:
    """Adds the phase a grant was made without (usually the implementation phase, once the
    concept phase has shown what it needs). The phase rules apply as at creation, and the phase
    budgets still add up to the grant: pass the new `amount_eur` when the grant grows."""
    _require(actor, "programme.change_grant", message=_("Only programme officers change grants."))
    kind = PhaseKind(kind)
    given, grant = grant, Grant.objects.select_for_update().get(pk=grant.pk)
    phases = {phase.kind: phase for phase in grant.phases.all()}
    if kind in phases:
        raise ValidationError({"kind": _("The grant already has this phase.")})
    if not justification.strip():
        raise ValidationError({"justification": _("Every decision needs a written justification.")})
    spans = {k: (phase.starts_on, phase.ends_on) for k, phase in phases.items()}
    spans[kind] = (plan.starts_on, plan.ends_on)
    amount = grant.amount_eur if amount_eur is None else amount_eur
    rules = grant.programme.rules
    validators.validate_grant_amount(amount, rules=rules)
    validators.validate_phases(
        grant_start=grant.starts_on,
        grant_end=grant.ends_on,
        concept=spans.get(PhaseKind.CONCEPT),
        implementation=spans.get(PhaseKind.IMPLEMENTATION),
        rules=rules,
    )
    validators.validate_phase_budgets(
        grant_amount=amount,
        budgets=[phase.budget_eur for phase in phases.values()] + [plan.budget_eur],
    )
    before = grant.amount_eur
    grant.amount_eur = amount
    grant.full_clean()
    grant.save()
    phase = Phase(
        grant=grant,
        kind=kind,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        budget_eur=plan.budget_eur,
    )
    phase.full_clean()
    phase.save()
    audit_record(
        actor=actor,
        action="programme.phase.added",
        target=phase,
        cluster_id=grant.application.cluster_id,
        changes={
            "kind": kind.value,
            "starts_on": plan.starts_on,
            "ends_on": plan.ends_on,
            "budget_eur": plan.budget_eur,
            "amount_eur": [before, amount],
            "justification": justification,
        },
    )
    notify_on_commit(
        users=_managers(grant.application.cluster),
        subject=_GRANT_SUBJECT,
        body=_GRANT_BODY,
        params={
            "cluster": grant.application.cluster.name,
            "what": kind.label,
            "detail": Period(
                starts_on=plan.starts_on, ends_on=plan.ends_on, amount_eur=plan.budget_eur
            ),
        },
    )
    given.refresh_from_db()
    return phase


@transaction.atomic
def phase_reschedule(
    *, phase: Phase, actor: User, starts_on: dt.date, ends_on: dt.date, justification: str
) -> Phase:
    """Moves a phase's dates; the phase and grant duration rules apply as at creation."""
    _require(actor, "programme.change_grant", message=_("Only programme officers change grants."))
    given = phase
    phase = Phase.objects.select_for_update().select_related("grant").get(pk=phase.pk)
    grant = phase.grant
    phases = {item.kind: item for item in grant.phases.all()}
    spans = {kind: (item.starts_on, item.ends_on) for kind, item in phases.items()}
    spans[phase.kind] = (starts_on, ends_on)
    validators.validate_phases(
        grant_start=grant.starts_on,
        grant_end=grant.ends_on,
        concept=spans.get(PhaseKind.CONCEPT),
        implementation=spans.get(PhaseKind.IMPLEMENTATION),
        rules=grant.programme.rules,
    )
    before = {"starts_on": phase.starts_on, "ends_on": phase.ends_on}
    phase.starts_on, phase.ends_on = starts_on, ends_on
    phase.full_clean()
    phase.save()
    audit_record(
        actor=actor,
        action="programme.phase.rescheduled",
        target=phase,
        cluster_id=grant.application.cluster_id,
        changes={
            **changes_between(before, {"starts_on": starts_on, "ends_on": ends_on}),
            "justification": justification,
        },
    )
    given.refresh_from_db()
    return phase


@transaction.atomic
def grant_set_funding_rate(*, grant: Grant, actor: User, rate: Decimal) -> Grant:
    """The federal funding rate for the grant's German partners in implementation."""
    _require(actor, "programme.change_grant", message=_("Only programme officers change grants."))
    given, grant = grant, Grant.objects.select_for_update().get(pk=grant.pk)
    before = grant.german_funding_rate
    grant.german_funding_rate = rate
    grant.full_clean()
    grant.save()
    audit_record(
        actor=actor,
        action="programme.grant.funding_rate_changed",
        target=grant,
        cluster_id=grant.application.cluster_id,
        changes={"german_funding_rate": [before, rate]},
    )
    given.refresh_from_db()
    return grant


@transaction.atomic
def expenditure_record(
    *,
    phase: Phase,
    actor: User,
    amount_eur: Decimal,
    spent_on: dt.date,
    description: str,
    is_sample: bool = False,
) -> Expenditure:
    """Spending against a phase's budget; refused where it would exceed what remains."""
    _require(
        actor,
        "programme.record_expenditure",
        phase.grant,
        _("Only the grant holders and officers record spending."),
    )
    phase = Phase.objects.select_for_update().select_related("grant").get(pk=phase.pk)
    if amount_eur <= 0:
        raise ValidationError({"amount_eur": _("Spending is a positive amount.")})
    remaining = selectors.phase_remaining(phase=phase)
    if amount_eur > remaining:
        raise ValidationError(
            {
                "amount_eur": _(
                    "Spending cannot exceed the phase budget (programme rule): "
                    "%(remaining)s EUR remain."
                )
                % {"remaining": f"{remaining:,.2f}"}
            }
        )
    expenditure = Expenditure(
        phase=phase,
        amount_eur=amount_eur,
        spent_on=spent_on,
        description=description,
        recorded_by=actor,
        is_sample=is_sample,
    )
    expenditure.full_clean()
    expenditure.save()
    audit_record(
        actor=actor,
        action="programme.expenditure.recorded",
        target=phase.grant,
        cluster_id=phase.grant.application.cluster_id,
        changes={"phase": phase.kind, "amount_eur": amount_eur, "spent_on": spent_on},
    )
    return expenditure


# Reports ------------------------------------------------------------------------------------------

_REPORT_SUBJECT = gettext_lazy("Report “%(title)s” due on %(due)s")
_REPORT_BODY = gettext_lazy(
    "The report “%(title)s” for the grant of %(cluster)s is due on %(due)s."
)
_LATE_SUBJECT = gettext_lazy("Report “%(title)s” is late")
_LATE_BODY = gettext_lazy(
    "The report “%(title)s” for the grant of %(cluster)s was due on %(due)s and is not in."
)


@transaction.atomic
def report_schedule(
    *,
    grant: Grant,
    actor: User,
    title: str,
    due_on: dt.date,
    phase: Phase | None = None,
    is_sample: bool = False,
) -> ReportDue:
    _require(actor, "programme.change_grant", message=_("Only programme officers plan reports."))
    if phase is not None and phase.grant_id != grant.pk:
        raise ValidationError({"phase": _("The phase belongs to another grant.")})
    report = ReportDue(grant=grant, phase=phase, title=title, due_on=due_on, is_sample=is_sample)
    report.full_clean()
    report.save()
    audit_record(
        actor=actor,
        action="programme.report.scheduled",
        target=report,
        cluster_id=grant.application.cluster_id,
        changes={"title": title, "due_on": due_on},
    )
    return report


@transaction.atomic
def report_submit(*, report: ReportDue, actor: User) -> ReportDue:
    _require(
        actor,
        "programme.submit_report",
        report.grant,
        _("Only the grant holders and officers submit reports."),
    )
    given = report
    report = ReportDue.objects.select_for_update().select_related("grant").get(pk=report.pk)
    if report.submitted_at is not None:
        raise ValidationError({"report": _("This report is already in.")})
    report.submitted_at = timezone.now()
    report.full_clean()
    report.save()
    audit_record(
        actor=actor,
        action="programme.report.submitted",
        target=report,
        cluster_id=report.grant.application.cluster_id,
        changes={"late": report.is_late()},
    )
    given.refresh_from_db()
    return report


@dataclass(frozen=True)
class RemindResult:
    reminded: int
    flagged_late: int


@transaction.atomic
def reports_remind(*, days: int, today: dt.date | None = None) -> RemindResult:
    """Reminds grant holders of reports due within `days` days (once per report) and flags
    late reports (once, telling holders and officers). Run daily by `programme_remind`."""
    today = today or timezone.localdate()
    now = timezone.now()
    reminded = 0
    for report in selectors.reports_to_remind(days=days, today=today).select_for_update():
        cluster = report.grant.application.cluster
        notify_on_commit(
            users=_managers(cluster),
            subject=_REPORT_SUBJECT,
            body=_REPORT_BODY,
            params={"title": report.title, "due": report.due_on, "cluster": cluster.name},
        )
        report.reminded_at = now
        report.save(update_fields=["reminded_at"])
        audit_record(
            actor=None,
            action="programme.report.reminded",
            target=report,
            cluster_id=cluster.pk,
            changes={"due_on": report.due_on},
        )
        reminded += 1
    flagged = 0
    officers = list(selectors.officers())
    for report in selectors.reports_late(today=today).select_for_update():
        cluster = report.grant.application.cluster
        notify_on_commit(
            users=[*_managers(cluster), *officers],
            subject=_LATE_SUBJECT,
            body=_LATE_BODY,
            params={"title": report.title, "due": report.due_on, "cluster": cluster.name},
        )
        report.late_flagged_at = now
        report.save(update_fields=["late_flagged_at"])
        audit_record(
            actor=None,
            action="programme.report.late",
            target=report,
            cluster_id=cluster.pk,
            changes={"due_on": report.due_on},
        )
        flagged += 1
    return RemindResult(reminded=reminded, flagged_late=flagged)


# Concept deliverables -----------------------------------------------------------------------------


@transaction.atomic
def concept_submit(
    *, grant: Grant, actor: User, summary: str, target_countries: Sequence[str] = ()
) -> InternationalisationConcept:
    """The grant holders hand in (or revise) the internationalisation concept."""
    _require(
        actor,
        "programme.submit_deliverable",
        grant,
        _("Only the grant holders hand in deliverables."),
    )
    if not summary.strip():
        raise ValidationError({"summary": _("The concept needs a summary.")})
    target_countries = _country_codes(target_countries)
    validators.validate_country_codes(target_countries)
    concept, created = InternationalisationConcept.objects.update_or_create(
        grant=grant, defaults={"summary": summary, "target_countries": list(target_countries)}
    )
    concept.full_clean()
    audit_record(
        actor=actor,
        action="programme.concept.submitted" if created else "programme.concept.revised",
        target=concept,
        cluster_id=grant.application.cluster_id,
        changes={"target_countries": list(target_countries)},
    )
    notify_on_commit(
        users=selectors.officers(),
        subject=_GRANT_SUBJECT,
        body=_GRANT_BODY,
        params={
            "cluster": grant.application.cluster.name,
            "what": gettext_lazy("internationalisation concept handed in"),
            "detail": "",
        },
    )
    return concept


@transaction.atomic
def outline_submit(*, grant: Grant, actor: User, title: str, summary: str) -> ProjectOutline:
    """An R&D project outline from the concept phase, for the officers to approve."""
    _require(
        actor,
        "programme.submit_deliverable",
        grant,
        _("Only the grant holders hand in deliverables."),
    )
    outline = ProjectOutline(grant=grant, title=title, summary=summary)
    outline.full_clean()
    outline.save()
    audit_record(
        actor=actor,
        action="programme.outline.submitted",
        target=outline,
        cluster_id=grant.application.cluster_id,
        changes={"title": title},
    )
    notify_on_commit(
        users=selectors.officers(),
        subject=_GRANT_SUBJECT,
        body=_GRANT_BODY,
        params={
            "cluster": grant.application.cluster.name,
            "what": gettext_lazy("project outline handed in"),
            "detail": title,
        },
    )
    return outline


@transaction.atomic
def outline_decide(
    *, outline: ProjectOutline, actor: User, approve: bool, justification: str
) -> ProjectOutline:
    """Officers approve or reject an outline (a rejected one may be approved later, an
    approved one with a project cannot be rejected)."""
    _require(actor, "programme.decide_outline", message=_("Only programme officers decide."))
    if not justification.strip():
        raise ValidationError({"justification": _("Every decision needs a written justification.")})
    given = outline
    outline = ProjectOutline.objects.select_for_update().select_related("grant").get(pk=outline.pk)
    to = OutlineState.APPROVED if approve else OutlineState.REJECTED
    if not approve and CollaborativeProject.objects.filter(outline=outline).exists():
        raise ValidationError({"state": _("An outline whose project exists cannot be rejected.")})
    before = outline.state
    outline.state = to
    outline.decided_at = timezone.now()
    outline.decided_by = actor
    outline.decision_note = justification
    outline.full_clean()
    outline.save()
    audit_record(
        actor=actor,
        action=f"programme.outline.{to.value}",
        target=outline,
        cluster_id=outline.grant.application.cluster_id,
        changes={"state": [before, to.value], "justification": justification},
    )
    notify_on_commit(
        users=_managers(outline.grant.application.cluster),
        subject=_GRANT_SUBJECT,
        body=_GRANT_BODY,
        params={
            "cluster": outline.grant.application.cluster.name,
            "what": to.label,
            "detail": f"{outline.title}\n\n{justification}",
        },
    )
    given.refresh_from_db()
    return outline


# Collaborative projects ---------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    outline: ProjectOutline,
    actor: User,
    title: str = "",
    summary: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    is_sample: bool = False,
) -> CollaborativeProject:
    """An implementation project from an approved outline, within the implementation phase."""
    outline = ProjectOutline.objects.select_for_update().select_related("grant").get(pk=outline.pk)
    grant = outline.grant
    _require(
        actor,
        "programme.manage_project",
        grant,
        _("Only the grant holders and officers manage projects."),
    )
    if outline.state != OutlineState.APPROVED:
        raise ValidationError(
            {
                "outline": _(
                    "No implementation project before its outline is approved (programme rule)."
                )
            }
        )
    implementation = grant.phases.filter(kind=PhaseKind.IMPLEMENTATION).first()
    if implementation is None:
        raise ValidationError(
            {"outline": _("The grant has no implementation phase for projects yet.")}
        )
    errors: dict[str, str] = {}
    if (
        starts_on is not None
        and not implementation.starts_on <= starts_on <= implementation.ends_on
    ):
        errors["starts_on"] = _(
            "A project lies within the implementation phase (%(start)s to %(end)s)."
        ) % {"start": implementation.starts_on, "end": implementation.ends_on}
    if ends_on is not None and not implementation.starts_on <= ends_on <= implementation.ends_on:
        errors["ends_on"] = _(
            "A project lies within the implementation phase (%(start)s to %(end)s)."
        ) % {"start": implementation.starts_on, "end": implementation.ends_on}
    if errors:
        raise ValidationError(errors)
    if CollaborativeProject.objects.filter(outline=outline).exists():
        raise ValidationError({"outline": _("This outline already has its project.")})
    project = CollaborativeProject(
        grant=grant,
        outline=outline,
        title=title or outline.title,
        summary=summary or outline.summary,
        starts_on=starts_on,
        ends_on=ends_on,
        is_sample=is_sample,
    )
    project.full_clean()
    project.save()
    IPRAgreement.objects.create(project=project)
    audit_record(
        actor=actor,
        action="programme.project.created",
        target=project,
        cluster_id=grant.application.cluster_id,
        changes={"title": project.title, "outline": outline.pk},
    )
    return project


PARTICIPANT_FIELDS = (
    "organisation_name",
    "country",
    "know_how",
    "division_of_work",
    "management_organisation",
    "german_funding_eur",
)


@transaction.atomic
def participant_add(
    *,
    project: CollaborativeProject,
    actor: User,
    cluster: Cluster | None = None,
    organisation_name: str = "",
    country: str = "",
    know_how: str = "",
    division_of_work: str = "",
    management_organisation: str = "",
    german_funding_eur: Decimal | None = None,
) -> Participant:
    """A German or international participant: a cluster on the platform or a named
    organisation (the country defaults to the cluster's)."""
    _require(
        actor,
        "programme.manage_project",
        project.grant,
        _("Only the grant holders and officers manage projects."),
    )
    if cluster is None and not organisation_name.strip():
        raise ValidationError(
            {"organisation_name": _("Name the organisation or choose a cluster.")}
        )
    country = (country or (cluster.country if cluster else "")).upper()
    if german_funding_eur is not None and country != "DE":
        raise ValidationError(
            {
                "german_funding_eur": _(
                    "International participants bring their own funding (programme rule); "
                    "federal funding is for German participants."
                )
            }
        )
    participant = Participant(
        project=project,
        cluster=cluster,
        organisation_name=organisation_name.strip(),
        country=country,
        know_how=know_how,
        division_of_work=division_of_work,
        management_organisation=management_organisation,
        german_funding_eur=german_funding_eur,
    )
    participant.full_clean()
    participant.save()
    audit_record(
        actor=actor,
        action="programme.participant.added",
        target=project,
        cluster_id=project.grant.application.cluster_id,
        changes={"participant": participant.name, "country": country},
    )
    return participant


@transaction.atomic
def own_funding_set(
    *,
    participant: Participant,
    actor: User,
    source: str,
    amount_eur: Decimal,
    status: FundingStatus | str,
    funding: OwnFunding | None = None,
    is_sample: bool = False,
) -> OwnFunding:
    """Records (or, with `funding`, updates) an international participant's own funding."""
    project = participant.project
    _require(
        actor,
        "programme.manage_project",
        project.grant,
        _("Only the grant holders and officers manage projects."),
    )
    if not participant.is_international:
        raise ValidationError(
            {"participant": _("Own funding is recorded for international participants.")}
        )
    if amount_eur <= 0:
        raise ValidationError({"amount_eur": _("Own funding is a positive amount.")})
    if funding is not None and funding.participant_id != participant.pk:
        raise ValidationError({"funding": _("This funding belongs to another participant.")})
    record = funding or OwnFunding(participant=participant, is_sample=is_sample)
    before = _snapshot(record, ["source", "amount_eur", "status"]) if funding else {}
    record.source = source
    record.amount_eur = amount_eur
    record.status = FundingStatus(status)
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action="programme.funding.updated" if funding else "programme.funding.recorded",
        target=project,
        cluster_id=project.grant.application.cluster_id,
        changes={
            "participant": participant.name,
            **changes_between(before, _snapshot(record, ["source", "amount_eur", "status"])),
        },
    )
    return record


PROJECT_TRANSITIONS = {
    (ProjectState.PLANNED, ProjectState.RUNNING),
    (ProjectState.PLANNED, ProjectState.CANCELLED),
    (ProjectState.RUNNING, ProjectState.COMPLETED),
    (ProjectState.RUNNING, ProjectState.CANCELLED),
}


@transaction.atomic
def project_transition(
    *, project: CollaborativeProject, to: ProjectState | str, actor: User
) -> CollaborativeProject:
    """Starts, completes or cancels a project. A start needs the approved outline, at least
    one international participant, and confirmed own funding of every international one."""
    _require(
        actor,
        "programme.manage_project",
        project.grant,
        _("Only the grant holders and officers manage projects."),
    )
    project = CollaborativeProject.objects.select_for_update().get(pk=project.pk)
    target, source = ProjectState(to), ProjectState(project.state)
    if (source, target) not in PROJECT_TRANSITIONS:
        raise ValidationError(
            {
                "state": _("A project cannot go from “%(from)s” to “%(to)s”.")
                % {"from": source.label, "to": target.label}
            }
        )
    if target == ProjectState.RUNNING:
        if project.outline.state != OutlineState.APPROVED:
            raise ValidationError(
                {
                    "outline": _(
                        "No implementation project before its outline is approved (programme rule)."
                    )
                }
            )
        participants = list(project.participants.all())
        if not any(participant.is_international for participant in participants):
            raise ValidationError(
                {"participants": _("A collaborative project has an international participant.")}
            )
        missing = selectors.participants_missing_funding(project=project)
        if missing:
            raise ValidationError(
                {
                    "participants": _(
                        "No project start without partners' own funding (programme rule): "
                        "not confirmed for %(names)s."
                    )
                    % {"names": ", ".join(participant.name for participant in missing)}
                }
            )
        if project.starts_on is None:
            project.starts_on = timezone.localdate()
    project.state = target
    project.full_clean()
    project.save()
    audit_record(
        actor=actor,
        action=f"programme.project.{target.value}",
        target=project,
        cluster_id=project.grant.application.cluster_id,
        changes={"state": [source.value, target.value]},
    )
    return project


IPR_TRANSITIONS = {
    (IPRStatus.DRAFT, IPRStatus.NEGOTIATING),
    (IPRStatus.NEGOTIATING, IPRStatus.DRAFT),
    (IPRStatus.NEGOTIATING, IPRStatus.SIGNED),
    (IPRStatus.DRAFT, IPRStatus.SIGNED),
}


@transaction.atomic
def ipr_agreement_update(
    *,
    project: CollaborativeProject,
    actor: User,
    status: IPRStatus | str | None = None,
    document: IO[bytes] | None = None,
    document_name: str = "",
    document_size: int | None = None,
    signed_on: dt.date | None = None,
    notes: str | None = None,
) -> IPRAgreement:
    """Moves the project's IPR agreement (draft → negotiating → signed) and attaches its PDF.
    An upload must be a PDF (by its content), at most 10 MB; a signed agreement needs the
    document and the signing date, and stays signed."""
    _require(
        actor,
        "programme.manage_project",
        project.grant,
        _("Only the grant holders and officers manage projects."),
    )
    agreement, _created = IPRAgreement.objects.select_for_update().get_or_create(project=project)
    before = {"status": agreement.status, "signed_on": agreement.signed_on}
    if document is not None:
        try:
            validators.validate_pdf_upload(document, size=document_size, name=document_name)
        except ValidationError as exc:
            raise ValidationError({"document": exc.messages}) from exc
    target = IPRStatus(status) if status is not None else IPRStatus(agreement.status)
    source = IPRStatus(agreement.status)
    if target != source and (source, target) not in IPR_TRANSITIONS:
        raise ValidationError(
            {
                "status": _("An IPR agreement cannot go from “%(from)s” to “%(to)s”.")
                % {"from": source.label, "to": target.label}
            }
        )
    if source == IPRStatus.SIGNED and document is not None:
        raise ValidationError({"document": _("A signed agreement's document stays as signed.")})
    if target == IPRStatus.SIGNED:
        if signed_on is None and agreement.signed_on is None:
            raise ValidationError({"signed_on": _("A signed agreement has its signing date.")})
        if document is None and not agreement.document:
            raise ValidationError(
                {"document": _("A signed agreement has its document attached (PDF).")}
            )
    if signed_on is not None:
        agreement.signed_on = signed_on
    if notes is not None:
        agreement.notes = notes
    agreement.status = target
    if document is not None:
        agreement.document.save("agreement.pdf", File(document), save=False)
    agreement.full_clean()
    agreement.save()
    audit_record(
        actor=actor,
        action="programme.ipr.updated" if target == source else f"programme.ipr.{target.value}",
        target=project,
        cluster_id=project.grant.application.cluster_id,
        changes={
            **changes_between(before, {"status": target.value, "signed_on": agreement.signed_on}),
            "document_replaced": document is not None,
        },
    )
    return agreement
