"""Pages of the funding programme. Each view parses input, calls one selector or service and
renders; permissions are checked here with the named rules and again in the services (the
same services the API calls). Applicants never see reviews or reviewer names: only officers'
and jurors' pages load reviews, through `selectors.reviews_visible_to`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from functools import wraps
from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clusterbridge.accounts.models import User
from clusterbridge.audit.messages import describe
from clusterbridge.audit.selectors import audit_entries
from clusterbridge.clusters.models import Cluster
from clusterbridge.common import spreadsheet
from clusterbridge.common.params import parse_int, query_int
from clusterbridge.programme import figures, gantt, selectors, services
from clusterbridge.programme import rules as programme_rules
from clusterbridge.programme.enums import ApplicationState, OutlineState, PhaseKind
from clusterbridge.programme.forms import (
    ApproveForm,
    AssignmentAddForm,
    BudgetLineFormSet,
    ConceptForm,
    ConflictForm,
    CriterionForm,
    DecisionForm,
    ExpenditureForm,
    FormalForm,
    FundingRateForm,
    GrantBudgetForm,
    IPRForm,
    OutlineDecisionForm,
    OutlineForm,
    OwnFundingForm,
    ParticipantForm,
    PhaseRescheduleForm,
    ProjectForm,
    ProjectTransitionForm,
    ReportForm,
    ReviewForm,
    RoundCreateForm,
    RoundForm,
    SketchForm,
    WithdrawForm,
    budget_lines_of,
)
from clusterbridge.programme.models import (
    Application,
    CollaborativeProject,
    Grant,
    InternationalisationConcept,
    Participant,
    ProjectOutline,
    ReportDue,
    ReviewAssignment,
    Round,
)

S = ApplicationState
AUDIT_PAGE = 100


# Helpers ------------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _require(request: HttpRequest, perm: str, obj: Any = None, message: str = "") -> None:
    if not rules.has_perm(perm, _user(request), obj):
        raise PermissionDenied(message or _("You may not do this."))


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require(request, "programme.manage_programme", message=_("Programme officers only."))
        return view(request, *args, **kwargs)

    return wrapped


def _add_errors(
    form: Form,
    exc: ValidationError,
    *,
    aliases: Mapping[str, str] | None = None,
    placed_elsewhere: Collection[str] = (),
) -> None:
    """A service's errors onto the form, under the field they name (or an alias of it); the
    rest above the form, except those whose key starts with one of `placed_elsewhere` (the
    caller puts them, e.g. budget lines onto their rows)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        field = (aliases or {}).get(key, key)
        if field in form.fields:
            form.add_error(field, errors)
        elif key.split(".", 1)[0] not in placed_elsewhere:
            form.add_error(None, errors)


def _formset_errors(formset: Any, exc: ValidationError, indices: list[int]) -> None:
    """Errors keyed `budget_lines.<i>.<field>` onto the i-th filled row, `budget_lines` above
    the rows."""
    for key, errors in exc.message_dict.items():
        if not key.startswith("budget_lines"):
            continue
        parts = key.split(".")
        index = parts[1] if len(parts) > 1 else ""
        row = parse_int(index, min_value=0, max_value=len(indices) - 1)
        if len(parts) == 3 and row is not None:
            form = formset.forms[indices[row]]
            form.add_error(parts[2] if parts[2] in form.fields else None, errors)
        else:
            formset._non_form_errors = formset.non_form_errors() + errors


def _round(year: int) -> Round:
    return selectors.round_get(year=year, programme=selectors.programme_get())


def _application(request: HttpRequest, pk: int) -> Application:
    return selectors.application_get_visible(_user(request), pk=pk)


def _grant(request: HttpRequest, pk: int) -> Grant:
    return selectors.grant_get_visible(_user(request), pk=pk)


def _project(request: HttpRequest, pk: int) -> CollaborativeProject:
    return selectors.project_get_visible(_user(request), pk=pk)


def _done(request: HttpRequest, message: str, url: str) -> HttpResponseRedirect:
    messages.success(request, message)
    return HttpResponseRedirect(url)


# Public ------------------------------------------------------------------------------------------


@require_GET
def programme_home(request: HttpRequest) -> HttpResponse:
    try:
        programme = selectors.programme_get()
    except Http404:
        # A fresh installation: the navigation links here before officers set a programme up.
        return render(request, "programme/empty.html")
    rounds = []
    for round in selectors.rounds_public(programme=programme):
        selected = figures.round_selected(round=round)
        count = figures.round_selection_count(round=round, selected=selected)
        rounds.append((round, selected, count))
    context = {"programme": programme, "rounds": rounds}
    return render(request, "programme/home.html", context)


@require_GET
def round_detail(request: HttpRequest, year: int) -> HttpResponse:
    round = _round(year)
    user = _user(request)
    selected = figures.round_selected(round=round)
    context = {
        "round": round,
        "programme": round.programme,
        "criteria": list(round.criteria.all()),
        "selected": selected,
        "selection": figures.round_selection_count(round=round, selected=selected),
        "target": figures.round_target(round),
        "call_open": round.call_is_open(),
        "clusters_to_apply": _clusters_to_apply(user, round),
    }
    return render(request, "programme/round.html", context)


def _clusters_to_apply(user: User, round: Round) -> list[Cluster]:
    """The German clusters `user` manages that have no application in `round` yet."""
    if not user.is_authenticated or not round.call_is_open():
        return []
    return list(
        Cluster.objects.filter(managers=user, country="DE")
        .exclude(applications__round=round)
        .order_by("name")
    )


# Applicants ---------------------------------------------------------------------------------------


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    applications = list(selectors.applications_of_applicant(user).select_related("grant"))
    open_rounds = [
        (round, _clusters_to_apply(user, round))
        for round in selectors.rounds_public(programme=selectors.programme_get())
        if round.call_is_open()
    ]
    context = {
        "applications": applications,
        "open_rounds": [(round, clusters) for round, clusters in open_rounds if clusters],
    }
    return render(request, "programme/my_applications.html", context)


def _partner_choices(cluster: Cluster | None) -> list[Any]:
    """Clusters abroad as choices, matchmaking's top partners for `cluster` first."""
    abroad = list(
        Cluster.objects.exclude(country="DE")
        .order_by("name")
        .values_list("slug", "name", "country")
    )
    suggested: list[str] = []
    if cluster is not None:
        try:
            from clusterbridge.matching.selectors import profile_panel

            suggested = [entry.slug for entry in profile_panel(cluster=cluster).partners]
        except (KeyError, LookupError, ValueError):
            # A cluster not (yet) in the matching index has no suggestions; the list remains.
            suggested = []
    names = {slug: f"{name} ({country})" for slug, name, country in abroad}
    rest = [(slug, names[slug]) for slug, _name, _country in abroad if slug not in suggested]
    top = [(slug, names[slug]) for slug in suggested if slug in names]
    if not top:
        return rest
    return [(_("Suggested by matchmaking"), top), (_("All clusters abroad"), rest)]


def _sketch_page(
    request: HttpRequest,
    *,
    round: Round,
    cluster: Cluster,
    application: Application | None,
) -> HttpResponse:
    user = _user(request)
    if application is None:
        initial: dict[str, Any] = {}
        lines_initial: list[dict[str, Any]] = []
    else:
        initial = {
            "title": application.title,
            "idea": application.idea,
            "target_countries": application.target_countries,
            "target_regions": "\n".join(application.target_regions),
            "partner_candidates": [c.slug for c in application.partner_candidates.all()],
        }
        lines_initial = [
            {
                "phase": line.phase,
                "year": line.year,
                "amount_eur": line.amount_eur,
                "description": line.description,
            }
            for line in application.budget_lines.all()
        ]
    data = request.POST if request.method == "POST" else None
    form = SketchForm(data, initial=initial, partner_choices=_partner_choices(cluster))
    formset = BudgetLineFormSet(
        data, initial=None if data is not None else lines_initial or None, prefix="budget"
    )
    status = 200
    if data is not None:
        status = 400
        if form.is_valid() and formset.is_valid():
            lines, indices = budget_lines_of(formset)
            slugs = form.cleaned_data["partner_candidates"]
            partners = list(Cluster.objects.filter(slug__in=slugs))
            values = {
                "title": form.cleaned_data["title"],
                "idea": form.cleaned_data["idea"],
                "target_countries": form.cleaned_data["target_countries"],
                "target_regions": form.cleaned_data["target_regions"],
            }
            try:
                if application is None:
                    application = services.application_create(
                        round=round,
                        cluster=cluster,
                        actor=user,
                        partner_candidates=partners,
                        budget_lines=lines,
                        **values,
                    )
                else:
                    services.application_update_sketch(
                        application=application,
                        actor=user,
                        data=values,
                        partner_candidates=partners,
                        budget_lines=lines,
                    )
                if "submit" in request.POST:
                    services.application_submit(application=application, actor=user)
            except ValidationError as exc:
                _add_errors(
                    form,
                    exc,
                    aliases={"round": "__all__", "cluster": "__all__"},
                    placed_elsewhere={"budget_lines"},
                )
                _formset_errors(formset, exc, indices)
                if application is not None and application.pk and "submit" in request.POST:
                    # The draft was saved; only the submission was refused.
                    form.add_error(None, _("Your draft is saved, but it was not submitted."))
            else:
                if "submit" in request.POST:
                    message = _("Your sketch is submitted.")
                else:
                    message = _("Your draft is saved.")
                return _done(
                    request, message, reverse("programme:application", args=[application.pk])
                )
    context = {
        "form": form,
        "formset": formset,
        "round": round,
        "cluster": cluster,
        "application": application,
    }
    return render(request, "programme/sketch_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def sketch_create(request: HttpRequest, year: int, slug: str) -> HttpResponse:
    round = _round(year)
    cluster = get_object_or_404(Cluster, slug=slug)
    _require(
        request,
        "programme.create_application",
        cluster,
        _("Only managers of a German cluster may apply for it."),
    )
    existing = Application.objects.filter(round=round, cluster=cluster).first()
    if existing is not None:
        return HttpResponseRedirect(reverse("programme:application", args=[existing.pk]))
    return _sketch_page(request, round=round, cluster=cluster, application=None)


@login_required
@require_http_methods(["GET", "POST"])
def sketch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    _require(
        request,
        "programme.edit_sketch",
        application,
        _("Only the applicants may edit a sketch, and only while it is a draft."),
    )
    return _sketch_page(
        request, round=application.round, cluster=application.cluster, application=application
    )


def _application_context(user: User, application: Application) -> dict[str, Any]:
    is_officer = rules.has_perm("programme.view_reviews", user, application)
    criteria = list(application.round.criteria.all())
    reviews: list[Any] = []
    own_review = None
    if is_officer:
        reviews = [
            (review, selectors.review_weighted_total(review, criteria))
            for review in selectors.reviews_visible_to(user, application=application)
        ]
    elif selectors.is_juror(user):
        own = selectors.reviews_visible_to(user, application=application).first()
        if own is not None:
            own_review = (own, selectors.review_weighted_total(own, criteria))
    return {
        "application": application,
        "budget_lines": list(application.budget_lines.all()),
        "partners": list(application.partner_candidates.all()),
        "is_applicant": bool(programme_rules.is_applicant(user, application)),
        "can_edit_sketch": rules.has_perm("programme.edit_sketch", user, application),
        "can_edit_formal": rules.has_perm("programme.edit_formal", user, application),
        "can_withdraw": rules.has_perm("programme.withdraw_application", user, application),
        "can_review": rules.has_perm("programme.review_application", user, application),
        "can_declare_conflict": rules.has_perm("programme.declare_conflict", user, application),
        "can_decide": rules.has_perm("programme.decide_application", user, application),
        "is_officer": is_officer,
        "reviews": reviews,
        "own_review": own_review,
        "assignments": list(application.assignments.select_related("juror")) if is_officer else [],
        "withdraw_form": WithdrawForm(),
        "decision_form": DecisionForm(prefix="decline"),
        "approve_form": ApproveForm(initial=_approve_initial(application), prefix="approve")
        if is_officer and application.state == S.AGENCY_REVIEW
        else None,
        "grant": Grant.objects.filter(application=application).first(),
    }


def _approve_initial(application: Application) -> dict[str, Any]:
    """A plan officers can adjust: the grant as requested, phases at their maximum length."""
    programme = application.round.programme
    from clusterbridge.programme.validators import last_day_within

    start = dt.date(application.round.year, 1, 1)
    if application.decided_at is not None:
        decided = application.decided_at.date()
        start = dt.date(decided.year + (decided.month == 12), decided.month % 12 + 1, 1)
    lines = list(application.budget_lines.all())
    concept = sum(
        (line.amount_eur for line in lines if line.phase == PhaseKind.CONCEPT), Decimal(0)
    )
    implementation = sum(
        (line.amount_eur for line in lines if line.phase == PhaseKind.IMPLEMENTATION), Decimal(0)
    )
    concept_end = last_day_within(start, programme.concept_max_months)
    implementation_start = concept_end + dt.timedelta(days=1)
    implementation_end = last_day_within(implementation_start, programme.implementation_max_months)
    return {
        "amount_eur": concept + implementation,
        "starts_on": start,
        "ends_on": implementation_end,
        "concept_starts_on": start,
        "concept_ends_on": concept_end,
        "concept_budget_eur": concept,
        "implementation_starts_on": implementation_start,
        "implementation_ends_on": implementation_end,
        "implementation_budget_eur": implementation,
    }


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = _application(request, pk)
    return render(request, "programme/application.html", _application_context(user, application))


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = _application(request, pk)
    perm = (
        "programme.submit_formal"
        if application.state == S.RECOMMENDED
        else "programme.submit_sketch"
    )
    _require(request, perm, application, _("Only the applicants may do this."))
    try:
        services.application_submit(application=application, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Submitted."))
    return HttpResponseRedirect(reverse("programme:application", args=[pk]))


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = _application(request, pk)
    _require(request, "programme.withdraw_application", application)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.application_withdraw(
                application=application,
                actor=user,
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The application is withdrawn."))
    return HttpResponseRedirect(reverse("programme:application", args=[pk]))


@login_required
@require_http_methods(["GET", "POST"])
def formal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = _application(request, pk)
    _require(
        request,
        "programme.edit_formal",
        application,
        _("Only the applicants may write the formal application, after the recommendation."),
    )
    data = request.POST if request.method == "POST" else None
    form = FormalForm(data, initial={"formal_text": application.formal_text})
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            try:
                services.application_update_formal(
                    application=application,
                    actor=user,
                    formal_text=form.cleaned_data["formal_text"],
                )
                if "submit" in request.POST:
                    services.application_submit(application=application, actor=user)
            except ValidationError as exc:
                _add_errors(form, exc, aliases={"state": "__all__"})
            else:
                message = (
                    _("Your formal application is submitted.")
                    if "submit" in request.POST
                    else _("Your formal application is saved.")
                )
                return _done(request, message, reverse("programme:application", args=[pk]))
    context = {"form": form, "application": application}
    return render(request, "programme/formal_form.html", context, status=status)


# Jurors -------------------------------------------------------------------------------------------


@login_required
@require_GET
def reviews_home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.is_juror(user):
        raise PermissionDenied(_("Jury members only."))
    context = {"rows": selectors.assignments_of_juror(user)}
    return render(request, "programme/reviews.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_form(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = _application(request, pk)
    _require(
        request,
        "programme.review_application",
        application,
        _("Only assigned jurors without a conflict review, while the sketch awaits the panel."),
    )
    criteria = list(application.round.criteria.all())
    own = selectors.reviews_visible_to(user, application=application).first()
    initial: dict[str, Any] = {}
    if own is not None:
        initial = {"comment": own.comment, "no_conflict_declared": own.no_conflict_declared}
        initial.update({f"score_{s.criterion_id}": s.score for s in own.scores.all()})
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, initial=initial, criteria=criteria)
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            try:
                services.review_submit(
                    application=application,
                    juror=user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    no_conflict_declared=form.cleaned_data["no_conflict_declared"],
                )
            except ValidationError as exc:
                aliases = {f"scores.{c.pk}": f"score_{c.pk}" for c in criteria}
                _add_errors(form, exc, aliases=aliases)
            else:
                total = selectors.weighted_total(criteria=criteria, scores=form.scores())
                return _done(
                    request,
                    _("Your review is saved: weighted total %(total)s of 100.") % {"total": total},
                    reverse("programme:reviews"),
                )
    total = None
    if form.is_bound and form.is_valid():
        total = selectors.weighted_total(criteria=criteria, scores=form.scores())
    elif own is not None:
        total = selectors.review_weighted_total(own, criteria)
    context = {
        "form": form,
        "application": application,
        "partners": list(application.partner_candidates.all()),
        "budget_lines": list(application.budget_lines.all()),
        "total": total,
        "conflict_form": ConflictForm(),
    }
    return render(request, "programme/review_form.html", context, status=status)


@login_required
@require_POST
def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = _application(request, pk)
    _require(
        request,
        "programme.declare_conflict",
        application,
        _("Only jurors assigned to an application declare conflicts with it."),
    )
    form = ConflictForm(request.POST)
    if form.is_valid():
        services.conflict_declare(
            application=application, juror=user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            _("Your conflict of interest is recorded; you will not review this application."),
        )
    return HttpResponseRedirect(reverse("programme:reviews"))


# Officers: round, assignment, selection -----------------------------------------------------------


@officer_required
@require_GET
def office(request: HttpRequest) -> HttpResponse:
    programme = selectors.programme_get()
    rounds = list(selectors.rounds_public(programme=programme))
    outlines = list(
        ProjectOutline.objects.filter(state=OutlineState.SUBMITTED)
        .select_related("grant__application__cluster")
        .order_by("submitted_at")
    )
    awaiting = list(
        selectors.applications_visible_to(_user(request)).filter(
            state__in=[S.FORMAL_SUBMITTED, S.AGENCY_REVIEW]
        )
    )
    context = {
        "programme": programme,
        "rounds": rounds,
        "outlines": outlines,
        "awaiting": awaiting,
    }
    return render(request, "programme/office.html", context)


@officer_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    """A new round of the programme; its criteria are added on the round's manage page."""
    programme = selectors.programme_get()
    form = RoundCreateForm(
        request.POST if request.method == "POST" else None,
        programme_target=programme.target_per_round,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = dict(form.cleaned_data)
            year = values.pop("year")
            try:
                round = services.round_create(
                    programme=programme, actor=_user(request), year=year, **values
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return _done(
                    request,
                    _("The round %(year)s is created.") % {"year": round.year},
                    reverse("programme:round_manage", args=[round.year]),
                )
    context = {"programme": programme, "form": form}
    return render(request, "programme/round_create.html", context, status=status)


@officer_required
@require_http_methods(["GET", "POST"])
def round_manage(request: HttpRequest, year: int) -> HttpResponse:
    user = _user(request)
    round = _round(year)
    fields = list(RoundForm.base_fields)
    round_form = RoundForm(
        request.POST if "save_round" in request.POST else None,
        initial={name: getattr(round, name) for name in fields},
        programme_target=round.programme.target_per_round,
    )
    criterion_form = CriterionForm(request.POST if "add_criterion" in request.POST else None)
    status = 200
    if request.method == "POST":
        status = 400
        if "save_round" in request.POST and round_form.is_valid():
            try:
                services.round_update(round=round, actor=user, data=round_form.cleaned_data)
            except ValidationError as exc:
                _add_errors(round_form, exc)
            else:
                return _done(
                    request,
                    _("The round is saved."),
                    reverse("programme:round_manage", args=[year]),
                )
        elif "add_criterion" in request.POST and criterion_form.is_valid():
            try:
                services.criterion_create(round=round, actor=user, **criterion_form.cleaned_data)
            except ValidationError as exc:
                _add_errors(criterion_form, exc)
            else:
                return _done(
                    request,
                    _("The criterion is added."),
                    reverse("programme:round_manage", args=[year]),
                )
    context = {
        "round": round,
        "round_form": round_form,
        "criterion_form": criterion_form,
        "criteria": list(round.criteria.all()),
    }
    return render(request, "programme/round_manage.html", context, status=status)


def _pair_key(application_id: int, juror_id: int) -> str:
    return f"{application_id}:{juror_id}"


@officer_required
@require_http_methods(["GET", "POST"])
def assignments(request: HttpRequest, year: int) -> HttpResponse:
    user = _user(request)
    round = _round(year)
    per_application = query_int(request.GET, "per", min_value=1, max_value=10, default=2)
    submitted = list(
        Application.objects.filter(round=round, state=S.SUBMITTED)
        .select_related("cluster")
        .order_by("cluster__name")
    )
    jurors = list(selectors.jurors())
    add_form = AssignmentAddForm(
        request.POST if "add" in request.POST else None,
        applications=[(a.pk, a.cluster.name) for a in submitted],
        jurors=[(j.pk, _juror_label(j)) for j in jurors],
    )
    errors: list[str] = []
    if request.method == "POST":
        try:
            if "apply" in request.POST:
                by_id = {a.pk: a for a in submitted}
                jurors_by_id = {j.pk: j for j in jurors}
                pairs = []
                for value in request.POST.getlist("pair"):
                    application_id, _sep, juror_id = value.partition(":")
                    application = by_id.get(parse_int(application_id) or 0)
                    juror = jurors_by_id.get(parse_int(juror_id) or 0)
                    if application is None or juror is None:
                        raise ValidationError(
                            _("An assignment names an unknown application or juror.")
                        )
                    pairs.append((application, juror))
                made = services.assignments_apply(pairs=pairs, actor=user)
                return _done(
                    request,
                    _("%(count)s assignments applied.") % {"count": len(made)},
                    reverse("programme:assignments", args=[year]),
                )
            if "add" in request.POST and add_form.is_valid():
                application = next(
                    a for a in submitted if a.pk == add_form.cleaned_data["application"]
                )
                juror = next(j for j in jurors if j.pk == add_form.cleaned_data["juror"])
                services.assignment_create(application=application, juror=juror, actor=user)
                return _done(
                    request,
                    _("The assignment is made."),
                    reverse("programme:assignments", args=[year]),
                )
            if "remove" in request.POST:
                assignment = get_object_or_404(
                    ReviewAssignment,
                    pk=parse_int(request.POST.get("remove")),
                    application__round=round,
                )
                services.assignment_delete(assignment=assignment, actor=user)
                return _done(
                    request,
                    _("The assignment is removed."),
                    reverse("programme:assignments", args=[year]),
                )
        except ValidationError as exc:
            errors = list(exc.messages)
    suggestion = services.assignment_suggest(
        round=round, per_application=per_application, jury=jurors
    )
    loads = selectors.juror_loads(round=round)
    context = {
        "round": round,
        "current": list(selectors.assignments_for_round(round=round)),
        "suggestion": [
            (item, _pair_key(item.application.pk, item.juror.pk), _juror_label(item.juror))
            for item in suggestion
        ],
        "loads": [(_juror_label(j), loads.get(j.pk, 0)) for j in jurors],
        "add_form": add_form,
        "errors": errors,
        "per_application": per_application,
        "submitted_count": len(submitted),
        "blocker": selectors.round_review_blocker(round=round),
    }
    return render(
        request,
        "programme/assignments.html",
        context,
        status=400 if errors or add_form.errors else 200,
    )


def _juror_label(juror: User) -> str:
    name = juror.get_full_name() or juror.get_username()
    return f"{name} ({juror.organisation})" if juror.organisation else name


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@officer_required
@require_http_methods(["GET", "POST"])
def selection_board(request: HttpRequest, year: int) -> HttpResponse:
    user = _user(request)
    round = _round(year)
    _require(request, "programme.view_selection_board", round)
    posted: dict[str, str] = request.POST.dict() if request.method == "POST" else {}
    row_errors: dict[int, list[str]] = {}
    errors: list[str] = []
    if request.method == "POST":
        decisions, ids = [], []
        for key, value in request.POST.items():
            if not key.startswith("decision_") or value not in {"select", "reject"}:
                continue
            pk = parse_int(key.removeprefix("decision_")) or 0
            presentation_raw = request.POST.get(f"presentation_{pk}", "")
            presentation = _date(presentation_raw)
            if presentation_raw and presentation is None:
                row_errors.setdefault(pk, []).append(_("Enter a valid date."))
            decisions.append(
                services.SelectionDecision(
                    application_id=pk,
                    select=value == "select",
                    justification=request.POST.get(f"justification_{pk}", ""),
                    presentation_on=presentation,
                )
            )
            ids.append(pk)
        if not decisions:
            errors.append(_("Choose “select” or “reject” for at least one application."))
        if not errors and not row_errors:
            try:
                outcome = services.selection_decide(round=round, actor=user, decisions=decisions)
            except ValidationError as exc:
                for key, messages_ in exc.message_dict.items():
                    parts = key.split(".")
                    index = parts[1] if len(parts) > 1 else ""
                    row = parse_int(index, min_value=0, max_value=len(ids) - 1)
                    if row is not None:
                        row_errors.setdefault(ids[row], []).extend(messages_)
                    else:
                        errors.extend(messages_)
            else:
                for warning in outcome.warnings:
                    messages.warning(request, warning)
                return _done(
                    request,
                    _("%(count)s decisions recorded.") % {"count": len(outcome.applications)},
                    reverse("programme:board", args=[year]),
                )
    board = selectors.selection_board(round=round)
    rows = [
        {
            "row": row,
            "decision": posted.get(f"decision_{row.application.pk}", ""),
            "justification": posted.get(f"justification_{row.application.pk}", ""),
            "presentation": posted.get(f"presentation_{row.application.pk}", ""),
            "errors": row_errors.get(row.application.pk, []),
        }
        for row in board.rows
    ]
    context = {
        "round": round,
        "board": board,
        "rows": rows,
        "errors": errors,
        "has_errors": bool(errors or row_errors),
    }
    status = 400 if errors or row_errors else 200
    return render(request, "programme/board.html", context, status=status)


@officer_required
@require_GET
def selection_board_csv(request: HttpRequest, year: int) -> HttpResponse:
    round = _round(year)
    response = spreadsheet.csv_download(f"selection-board-{year}.csv")
    selectors.selection_board_csv(selectors.selection_board(round=round), response)
    return response


@officer_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The officers' steps after the panel: to the agency's review, or decline."""
    user = _user(request)
    application = _application(request, pk)
    _require(request, "programme.decide_application", application)
    form = DecisionForm(request.POST, prefix="decline")
    to = request.POST.get("to", "")
    if to not in {S.AGENCY_REVIEW, S.DECLINED} or not form.is_valid():
        messages.error(request, _("Choose a valid decision."))
    else:
        try:
            services.application_transition(
                application=application,
                to=to,
                actor=user,
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The decision is recorded."))
    return HttpResponseRedirect(reverse("programme:application", args=[pk]))


@officer_required
@require_POST
def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = _application(request, pk)
    _require(request, "programme.decide_application", application)
    form = ApproveForm(request.POST, prefix="approve")
    if form.is_valid():
        data = form.cleaned_data
        implementation = None
        if data["implementation_starts_on"] is not None:
            implementation = services.PhasePlan(
                starts_on=data["implementation_starts_on"],
                ends_on=data["implementation_ends_on"],
                budget_eur=data["implementation_budget_eur"],
            )
        try:
            grant = services.application_approve(
                application=application,
                actor=user,
                justification=data["justification"],
                amount_eur=data["amount_eur"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                concept=services.PhasePlan(
                    starts_on=data["concept_starts_on"],
                    ends_on=data["concept_ends_on"],
                    budget_eur=data["concept_budget_eur"],
                ),
                implementation=implementation,
            )
        except ValidationError as exc:
            _add_errors(
                form,
                exc,
                aliases={"budget_eur": "__all__", "state": "__all__", "application": "__all__"},
            )
        else:
            return _done(
                request,
                _("The application is approved and its grant is made."),
                reverse("programme:grant", args=[grant.pk]),
            )
    # The refused approval was rolled back; the instance in hand may still say "approved".
    application = _application(request, pk)
    context = _application_context(user, application)
    context["approve_form"] = form
    return render(request, "programme/application.html", context, status=400)


@officer_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    page = query_int(request.GET, "page", min_value=1, max_value=1_000_000, default=1)
    entries = audit_entries(action_prefix="programme.").order_by("-created_at", "-id")
    window = list(entries[(page - 1) * AUDIT_PAGE : page * AUDIT_PAGE + 1])
    context = {
        "lines": describe(window[:AUDIT_PAGE]),
        "page": page,
        "has_next": len(window) > AUDIT_PAGE,
    }
    return render(request, "programme/audit.html", context)


# Grants -------------------------------------------------------------------------------------------


@login_required
@require_GET
def grant_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    grants = list(
        selectors.grants_visible_to(user).order_by(
            "application__round__year", "application__cluster__name"
        )
    )
    return render(request, "programme/grants.html", {"grants": grants})


def _grant_page(
    request: HttpRequest,
    grant: Grant,
    *,
    forms: dict[str, Form] | None = None,
    outline_forms: dict[tuple[int, str], Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    budgets = selectors.phase_budgets(grant=grant)
    phase_choices = [(b.phase.pk, b.phase.get_kind_display()) for b in budgets]
    reports = list(grant.reports.order_by("due_on", "pk"))
    outlines = list(grant.outlines.select_related("decided_by").order_by("submitted_at", "pk"))
    with_project = set(
        CollaborativeProject.objects.filter(grant=grant).values_list("outline_id", flat=True)
    )
    concept = InternationalisationConcept.objects.filter(grant=grant).first()
    defaults: dict[str, Form] = {
        "expenditure_form": ExpenditureForm(phases=phase_choices, prefix="spending"),
        "report_form": ReportForm(prefix="report"),
        "concept_form": ConceptForm(
            initial={"summary": concept.summary, "target_countries": concept.target_countries}
            if concept
            else None,
            prefix="concept",
        ),
        "outline_form": OutlineForm(prefix="outline"),
        "budget_form": GrantBudgetForm(
            prefix="budget",
            initial={
                "amount_eur": grant.amount_eur,
                **{f"{b.phase.kind}_budget_eur": b.budget_eur for b in budgets},
            },
        ),
        "reschedule_form": PhaseRescheduleForm(phases=phase_choices, prefix="reschedule"),
        "funding_rate_form": FundingRateForm(
            prefix="rate",
            initial={"percent": (grant.german_funding_rate * 100).quantize(Decimal("0.1"))},
        ),
    }
    defaults.update(forms or {})
    given = outline_forms or {}
    outline_rows = [
        {
            "outline": outline,
            "has_project": outline.pk in with_project,
            "decision_form": given.get((outline.pk, "decide"))
            or OutlineDecisionForm(prefix=f"outline-{outline.pk}"),
            "project_form": given.get((outline.pk, "project"))
            or ProjectForm(prefix=f"outline-{outline.pk}"),
        }
        for outline in outlines
    ]
    context = {
        "grant": grant,
        "application": grant.application,
        "budgets": budgets,
        "total_budget": sum((b.budget_eur for b in budgets), Decimal(0)),
        "total_spent": sum((b.spent_eur for b in budgets), Decimal(0)),
        "total_remaining": sum((b.remaining_eur for b in budgets), Decimal(0)),
        "reports": [(report, report.is_late()) for report in reports],
        "concept": concept,
        "outlines": outline_rows,
        "projects": list(
            selectors.projects_visible_to(user, grant=grant).select_related("ipr_agreement")
        ),
        "can_record": rules.has_perm("programme.record_expenditure", user, grant),
        "can_submit_deliverable": rules.has_perm("programme.submit_deliverable", user, grant),
        "can_submit_report": rules.has_perm("programme.submit_report", user, grant),
        "can_change": rules.has_perm("programme.change_grant", user, grant),
        "can_manage_projects": rules.has_perm("programme.manage_project", user, grant),
        "can_decide_outline": rules.has_perm("programme.decide_outline", user, grant),
        **defaults,
    }
    return render(request, "programme/grant.html", context, status=status)


@login_required
@require_GET
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_page(request, _grant(request, pk))


def _grant_url(grant: Grant) -> str:
    return reverse("programme:grant", args=[grant.pk])


@login_required
@require_POST
def expenditure_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    grant = _grant(request, pk)
    _require(request, "programme.record_expenditure", grant)
    phases = list(grant.phases.all())
    form = ExpenditureForm(
        request.POST, phases=[(p.pk, p.get_kind_display()) for p in phases], prefix="spending"
    )
    if form.is_valid():
        phase = next(p for p in phases if p.pk == form.cleaned_data["phase"])
        try:
            services.expenditure_record(
                phase=phase,
                actor=user,
                amount_eur=form.cleaned_data["amount_eur"],
                spent_on=form.cleaned_data["spent_on"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _done(request, _("The spending is recorded."), _grant_url(grant))
    return _grant_page(request, grant, forms={"expenditure_form": form}, status=400)


@login_required
@require_POST
def grant_budget_change(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    grant = _grant(request, pk)
    _require(request, "programme.change_grant", grant, _("Only programme officers change grants."))
    form = GrantBudgetForm(request.POST, prefix="budget")
    if form.is_valid():
        try:
            services.grant_change_budget(
                grant=grant,
                actor=user,
                amount_eur=form.cleaned_data["amount_eur"],
                phase_budgets=form.phase_budgets(),
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as exc:
            _add_errors(
                form,
                exc,
                aliases={
                    "phase_budgets": "__all__",
                    **{f"phase_budgets.{kind}": f"{kind}_budget_eur" for kind in PhaseKind.values},
                },
            )
        else:
            return _done(request, _("The grant's budget is changed."), _grant_url(grant))
    return _grant_page(request, grant, forms={"budget_form": form}, status=400)


@login_required
@require_POST
def grant_funding_rate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    grant = _grant(request, pk)
    _require(request, "programme.change_grant", grant, _("Only programme officers change grants."))
    form = FundingRateForm(request.POST, prefix="rate")
    if form.is_valid():
        try:
            services.grant_set_funding_rate(grant=grant, actor=user, rate=form.rate())
        except ValidationError as exc:
            _add_errors(form, exc, aliases={"german_funding_rate": "percent"})
        else:
            return _done(request, _("The funding rate is changed."), _grant_url(grant))
    return _grant_page(request, grant, forms={"funding_rate_form": form}, status=400)


@login_required
@require_POST
def phase_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    grant = _grant(request, pk)
    _require(request, "programme.change_grant", grant, _("Only programme officers change grants."))
    phases = list(grant.phases.all())
    form = PhaseRescheduleForm(
        request.POST, phases=[(p.pk, p.get_kind_display()) for p in phases], prefix="reschedule"
    )
    if form.is_valid():
        phase = next(p for p in phases if p.pk == form.cleaned_data["phase"])
        aliases = {
            f"{kind}_{end}": end for kind in PhaseKind.values for end in ("starts_on", "ends_on")
        }
        try:
            services.phase_reschedule(
                phase=phase,
                actor=user,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as exc:
            _add_errors(form, exc, aliases=aliases)
        else:
            return _done(request, _("The phase is rescheduled."), _grant_url(grant))
    return _grant_page(request, grant, forms={"reschedule_form": form}, status=400)


def _grant_form_post(
    request: HttpRequest,
    pk: int,
    *,
    permission: str,
    form_class: type[Form],
    prefix: str,
    service: Callable[..., Any],
    done: str,
) -> HttpResponse:
    """A form on the grant page whose cleaned data go to one service as they are; on a refusal
    the grant page is shown again with the form and the rule's message at its field."""
    user = _user(request)
    grant = _grant(request, pk)
    _require(request, permission, grant)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            service(grant=grant, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _done(request, done, _grant_url(grant))
    return _grant_page(request, grant, forms={f"{prefix}_form": form}, status=400)


@login_required
@require_POST
def report_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_form_post(
        request,
        pk,
        permission="programme.change_grant",
        form_class=ReportForm,
        prefix="report",
        service=services.report_schedule,
        done=_("The report is planned."),
    )


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    report = get_object_or_404(
        ReportDue, pk=pk, grant__in=selectors.grants_visible_to(user).values("pk")
    )
    _require(request, "programme.submit_report", report.grant)
    try:
        services.report_submit(report=report, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The report is marked as submitted."))
    return HttpResponseRedirect(_grant_url(report.grant))


@login_required
@require_POST
def concept_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_form_post(
        request,
        pk,
        permission="programme.submit_deliverable",
        form_class=ConceptForm,
        prefix="concept",
        service=services.concept_submit,
        done=_("The internationalisation concept is handed in."),
    )


@login_required
@require_POST
def outline_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_form_post(
        request,
        pk,
        permission="programme.submit_deliverable",
        form_class=OutlineForm,
        prefix="outline",
        service=services.outline_submit,
        done=_("The project outline is handed in."),
    )


def _outline(request: HttpRequest, pk: int) -> ProjectOutline:
    return selectors.outline_get_visible(_user(request), pk=pk)


@login_required
@require_POST
def outline_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    outline = _outline(request, pk)
    _require(request, "programme.decide_outline", outline.grant)
    form = OutlineDecisionForm(request.POST, prefix=f"outline-{outline.pk}")
    if form.is_valid():
        try:
            services.outline_decide(outline=outline, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc, aliases={"state": "__all__"})
        else:
            return _done(
                request, _("The decision on the outline is recorded."), _grant_url(outline.grant)
            )
    return _grant_page(
        request, outline.grant, outline_forms={(outline.pk, "decide"): form}, status=400
    )


@login_required
@require_POST
def project_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    outline = _outline(request, pk)
    _require(request, "programme.manage_project", outline.grant)
    form = ProjectForm(request.POST, prefix=f"outline-{outline.pk}")
    if form.is_valid():
        try:
            project = services.project_create(outline=outline, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc, aliases={"outline": "__all__"})
        else:
            return _done(
                request,
                _("The collaborative project is created."),
                reverse("programme:project", args=[project.pk]),
            )
    return _grant_page(
        request, outline.grant, outline_forms={(outline.pk, "project"): form}, status=400
    )


# Projects -----------------------------------------------------------------------------------------


def _participant_clusters() -> list[tuple[str, str]]:
    return [
        (slug, f"{name} ({country})")
        for slug, name, country in Cluster.objects.order_by("name").values_list(
            "slug", "name", "country"
        )
    ]


def _project_page(
    request: HttpRequest,
    project: CollaborativeProject,
    *,
    forms: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    participants = list(project.participants.all())
    international = [(p.pk, p.name) for p in participants if p.is_international]
    agreement = getattr(project, "ipr_agreement", None)
    defaults: dict[str, Form] = {
        "participant_form": ParticipantForm(clusters=_participant_clusters(), prefix="participant"),
        "funding_form": OwnFundingForm(participants=international, prefix="funding"),
        "ipr_form": IPRForm(
            initial={
                "status": agreement.status,
                "signed_on": agreement.signed_on,
                "notes": agreement.notes,
            }
            if agreement
            else None,
            prefix="ipr",
        ),
        "transition_form": ProjectTransitionForm(
            allowed=_project_moves(project), prefix="transition"
        ),
    }
    defaults.update(forms or {})
    context = {
        "project": project,
        "grant": project.grant,
        "footing": selectors.project_equal_footing(project=project),
        "missing": selectors.participants_missing_funding(project=project),
        "agreement": agreement,
        "can_manage": rules.has_perm("programme.manage_project", user, project.grant),
        "has_international": bool(international),
        **defaults,
    }
    return render(request, "programme/project.html", context, status=status)


def _project_moves(project: CollaborativeProject) -> list[str]:
    """The states the project may move to next (the service decides again)."""
    return [to.value for source, to in services.PROJECT_TRANSITIONS if source == project.state]


def _project_url(project: CollaborativeProject) -> str:
    return reverse("programme:project", args=[project.pk])


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_page(request, _project(request, pk))


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    project = _project(request, pk)
    _require(request, "programme.manage_project", project.grant)
    form = ParticipantForm(request.POST, clusters=_participant_clusters(), prefix="participant")
    if form.is_valid():
        data = dict(form.cleaned_data)
        slug = data.pop("cluster")
        cluster = Cluster.objects.filter(slug=slug).first() if slug else None
        try:
            services.participant_add(project=project, actor=user, cluster=cluster, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _done(request, _("The participant is added."), _project_url(project))
    return _project_page(request, project, forms={"participant_form": form}, status=400)


@login_required
@require_POST
def own_funding_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    project = _project(request, pk)
    _require(request, "programme.manage_project", project.grant)
    participants = [p for p in project.participants.all() if p.is_international]
    form = OwnFundingForm(
        request.POST, participants=[(p.pk, p.name) for p in participants], prefix="funding"
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        participant: Participant = next(p for p in participants if p.pk == data.pop("participant"))
        try:
            services.own_funding_set(participant=participant, actor=user, **data)
        except ValidationError as exc:
            _add_errors(form, exc, aliases={"participant": "participant"})
        else:
            return _done(request, _("The own funding is recorded."), _project_url(project))
    return _project_page(request, project, forms={"funding_form": form}, status=400)


@login_required
@require_POST
def ipr_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    project = _project(request, pk)
    _require(request, "programme.manage_project", project.grant)
    form = IPRForm(request.POST, request.FILES, prefix="ipr")
    if form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            services.ipr_agreement_update(
                project=project,
                actor=user,
                status=form.cleaned_data["status"],
                signed_on=form.cleaned_data["signed_on"],
                notes=form.cleaned_data["notes"],
                document=upload.file if upload else None,
                document_name=upload.name if upload else "",
                document_size=upload.size if upload else None,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _done(request, _("The IPR agreement is saved."), _project_url(project))
    return _project_page(request, project, forms={"ipr_form": form}, status=400)


@login_required
@require_POST
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    project = _project(request, pk)
    _require(request, "programme.manage_project", project.grant)
    form = ProjectTransitionForm(request.POST, allowed=_project_moves(project), prefix="transition")
    if form.is_valid():
        try:
            moved = services.project_transition(
                project=project, to=form.cleaned_data["to"], actor=user
            )
        except ValidationError as exc:
            _add_errors(form, exc, aliases={"state": "to", "participants": "to", "outline": "to"})
        else:
            return _done(
                request,
                _("The project is now “%(state)s”.") % {"state": moved.get_state_display()},
                _project_url(project),
            )
    return _project_page(request, project, forms={"transition_form": form}, status=400)


# Schedule -----------------------------------------------------------------------------------------


def _schedule_data(request: HttpRequest) -> tuple[Any, Round | None]:
    """Officers see every grant with its reports; everybody else the public phases."""
    year = query_int(request.GET, "round", min_value=1, max_value=9999)
    round = _round(year) if year is not None else None
    user = _user(request)
    if selectors.is_officer(user):
        return selectors.schedule(user=user, round=round), round
    return selectors.schedule(round=round), round


@require_GET
def schedule(request: HttpRequest) -> HttpResponse:
    data, round = _schedule_data(request)
    context = {
        "schedule": data,
        "chart": gantt.chart(data),
        "round": round,
        "rounds": list(selectors.rounds_public(programme=selectors.programme_get())),
        "query": request.GET.urlencode(),
    }
    return render(request, "programme/schedule.html", context)


@require_GET
def schedule_svg(request: HttpRequest) -> HttpResponse:
    data, _round_found = _schedule_data(request)
    svg = render_to_string(
        "programme/_gantt.svg",
        {"chart": gantt.chart(data), "standalone": True},
        request=request,
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="programme-schedule.svg"'
    return response


@require_GET
def schedule_csv(request: HttpRequest) -> HttpResponse:
    data, _round_found = _schedule_data(request)
    response = spreadsheet.csv_download("programme-schedule.csv")
    selectors.schedule_csv(data, response)
    return response
