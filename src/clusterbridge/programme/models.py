"""The funding programme: its rules, rounds and criteria; applications in two stages with the
jury's reviews; grants in two phases with reports, outlines, collaborative projects, the
international partners' own funding, IPR agreements and spending.

Database constraints guard invariants (end after start, amounts not negative, one application
per cluster per round); the programme's configurable caps are checked by the shared validators
in `validators`, from `clean()` here and again in the services. Facts the demo invents carry
`is_sample=True`, so every page can say so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clusterbridge.clusters.models import Cluster
from clusterbridge.clusters.validators import validate_country
from clusterbridge.programme import validators
from clusterbridge.programme.enums import (
    ApplicationState,
    DatePrecision,
    FundingStatus,
    IPRStatus,
    OutlineState,
    PhaseKind,
    ProjectState,
)


def _bilingual(en: str, de: str) -> str:
    return de if (get_language() or "en").startswith("de") and de else en


class FundingProgramme(models.Model):
    """A funding measure and its rules as data; officers configure it in the admin."""

    slug = models.SlugField(max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_de = models.CharField(_("name (German)"), max_length=300, blank=True)
    funder = models.CharField(_("funder"), max_length=300, blank=True)
    agency = models.CharField(_("project management agency"), max_length=300, blank=True)
    max_grant_eur = models.DecimalField(
        _("maximum grant per cluster (EUR)"),
        default=validators.DEFAULT_MAX_GRANT_EUR,
        validators=[MinValueValidator(Decimal(0))],
        max_digits=14,
        decimal_places=2,
    )
    concept_max_months = models.PositiveSmallIntegerField(
        _("concept phase at most (months)"),
        default=validators.DEFAULT_CONCEPT_MAX_MONTHS,
        validators=[MinValueValidator(1)],
    )
    implementation_max_months = models.PositiveSmallIntegerField(
        _("implementation phase at most (months)"),
        default=validators.DEFAULT_IMPLEMENTATION_MAX_MONTHS,
        validators=[MinValueValidator(1)],
    )
    total_max_months = models.PositiveSmallIntegerField(
        _("grant at most (months in all)"),
        default=validators.DEFAULT_TOTAL_MAX_MONTHS,
        validators=[MinValueValidator(1)],
    )
    phases_may_overlap = models.BooleanField(_("phases may overlap"), default=True)
    target_per_round = models.PositiveSmallIntegerField(
        _("clusters selected per round (target)"), default=10
    )
    budget_eur = models.DecimalField(
        _("budget (EUR)"),
        null=True,
        blank=True,
        help_text=_("Empty when unknown."),
        max_digits=14,
        decimal_places=2,
    )
    german_funding_rate = models.DecimalField(
        _("federal funding rate for German partners in implementation"),
        max_digits=4,
        decimal_places=3,
        default=validators.DEFAULT_GERMAN_FUNDING_RATE,
        validators=[validators.validate_funding_rate],
    )
    international_partners_fund_themselves = models.BooleanField(
        _("international partners bring their own funding"), default=True
    )
    facts = models.JSONField(
        _("further facts"),
        default=dict,
        blank=True,
        help_text=_("Selection steps, eligible applicants and other published facts."),
    )
    sources = models.JSONField(_("sources"), default=list, blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        constraints = [
            models.CheckConstraint(
                name="programme_max_grant_not_negative", condition=Q(max_grant_eur__gte=0)
            ),
            models.CheckConstraint(
                name="programme_phases_fit_total",
                condition=Q(concept_max_months__lte=F("total_max_months"))
                & Q(implementation_max_months__lte=F("total_max_months")),
            ),
            models.CheckConstraint(
                name="programme_funding_rate_0_to_1",
                condition=Q(german_funding_rate__gte=0) & Q(german_funding_rate__lte=1),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _bilingual(self.name_en, self.name_de)

    @property
    def rules(self) -> validators.ProgrammeRules:
        return validators.ProgrammeRules(
            max_grant_eur=self.max_grant_eur,
            concept_max_months=self.concept_max_months,
            implementation_max_months=self.implementation_max_months,
            total_max_months=self.total_max_months,
            phases_may_overlap=self.phases_may_overlap,
        )


class Round(models.Model):
    """A yearly call and selection. Unknown dates stay empty (shown as unknown); a date known
    only to the month carries its precision."""

    programme = models.ForeignKey(FundingProgramme, on_delete=models.CASCADE, related_name="rounds")
    year = models.PositiveSmallIntegerField(_("year"))
    call_opens = models.DateField(_("call opens"), null=True, blank=True)
    call_closes = models.DateField(
        _("call closes"),
        null=True,
        blank=True,
        help_text=_("Sketches are accepted until the end of this day; empty when unknown."),
    )
    review_starts = models.DateField(_("review starts"), null=True, blank=True)
    review_ends = models.DateField(_("review ends"), null=True, blank=True)
    decision_date = models.DateField(_("decision"), null=True, blank=True)
    decision_date_precision = models.CharField(
        _("decision date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    budget_eur = models.DecimalField(
        _("budget (EUR)"),
        null=True,
        blank=True,
        help_text=_("Empty when unknown."),
        max_digits=14,
        decimal_places=2,
    )
    target_selected = models.PositiveSmallIntegerField(
        _("clusters to select (target)"),
        null=True,
        blank=True,
        help_text=_("Empty: the programme's target per round."),
    )
    selected_published = models.PositiveSmallIntegerField(
        _("clusters selected (published figure)"), null=True, blank=True
    )
    projects_started_year = models.PositiveSmallIntegerField(
        _("projects started (year)"), null=True, blank=True
    )
    # Published facts without a field of their own (information events, award event), and the
    # names of fields whose value is an estimate rather than a published fact.
    facts = models.JSONField(_("further facts"), default=dict, blank=True)
    estimated_fields = models.JSONField(_("estimated fields"), default=list, blank=True)

    class Meta:
        ordering = ["programme", "year"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="round_one_per_year"),
            models.CheckConstraint(
                name="round_call_closes_after_opening",
                violation_error_message=_("A call closes after it opens."),
                condition=Q(call_opens__isnull=True)
                | Q(call_closes__isnull=True)
                | Q(call_closes__gte=F("call_opens")),
            ),
            models.CheckConstraint(
                name="round_review_ends_after_start",
                violation_error_message=_("A review period ends after it starts."),
                condition=Q(review_starts__isnull=True)
                | Q(review_ends__isnull=True)
                | Q(review_ends__gte=F("review_starts")),
            ),
            models.CheckConstraint(
                name="round_budget_not_negative",
                condition=Q(budget_eur__isnull=True) | Q(budget_eur__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.slug} {self.year}"

    def clean(self) -> None:
        validators.validate_date_order(self.call_opens, self.call_closes, field="call_closes")
        validators.validate_date_order(self.review_starts, self.review_ends, field="review_ends")

    def call_is_open(self, today: dt.date | None = None) -> bool:
        """Open from `call_opens` to the end of `call_closes`; a call with an unknown opening
        or closing date accepts nothing (it is never open by default)."""
        today = today or timezone.localdate()
        if self.call_opens is None or self.call_closes is None:
            return False
        return self.call_opens <= today <= self.call_closes

    def call_has_closed(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.call_closes is not None and today > self.call_closes


class ReviewCriterion(models.Model):
    """One criterion a round's jury scores, with its weight and score range."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_de = models.CharField(_("name (German)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_de = models.TextField(_("description (German)"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    min_score = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=10)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "pk"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(fields=["round", "name_en"], name="criterion_unique_name"),
            models.CheckConstraint(name="criterion_weight_positive", condition=Q(weight__gt=0)),
            models.CheckConstraint(
                name="criterion_score_range_valid",
                violation_error_message=_("The highest score must be above the lowest score."),
                condition=Q(max_score__gt=F("min_score")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _bilingual(self.name_en, self.name_de)

    @property
    def description(self) -> str:
        return _bilingual(self.description_en, self.description_de)


class Application(models.Model):
    """A German cluster's application to a round: the sketch, then the formal application.
    Its managers are the applicants."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="applications")
    state = models.CharField(
        _("state"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    idea = models.TextField(_("internationalisation idea"), blank=True)
    target_countries = models.JSONField(
        _("target countries"), default=list, blank=True, help_text=_("ISO 3166-1 alpha-2 codes.")
    )
    target_regions = models.JSONField(
        _("target regions"),
        default=list,
        blank=True,
        help_text=_("Innovation regions abroad, as named."),
    )
    partner_candidates = models.ManyToManyField(
        Cluster,
        verbose_name=_("partner candidates"),
        related_name="candidate_in_applications",
        blank=True,
    )
    presentation_on = models.DateField(_("presentation to the panel"), null=True, blank=True)
    panel_justification = models.TextField(_("panel's justification"), blank=True)
    formal_text = models.TextField(_("formal application"), blank=True)
    agency_note = models.TextField(_("agency's review"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("sketch submitted"), null=True, blank=True)
    formal_submitted_at = models.DateTimeField(
        _("formal application submitted"), null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # Demo data: a real selected cluster's application is a fact (is_sample False) whose
    # contents are unknown; `selection_inferred` marks a selection the sources only suggest.
    is_sample = models.BooleanField(_("sample data"), default=False)
    selection_inferred = models.BooleanField(_("selection inferred, not confirmed"), default=False)

    class Meta:
        ordering = ["round", "cluster__name"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "cluster"],
                name="application_one_per_cluster_per_round",
                violation_error_message=_(
                    "One application per cluster per round (programme rule)."
                ),
            ),
            models.CheckConstraint(
                name="application_state_valid", condition=Q(state__in=ApplicationState.values)
            ),
        ]
        indexes = [models.Index(fields=["round", "state"])]

    def __str__(self) -> str:
        return f"{self.cluster} ({self.round.year})"

    def clean(self) -> None:
        try:
            validators.validate_country_codes(self.target_countries or [])
        except ValidationError as exc:
            raise ValidationError({"target_countries": exc.error_list}) from exc


class BudgetLine(models.Model):
    """One line of an application's planned budget: a phase, a year, an amount."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    phase = models.CharField(_("phase"), max_length=20, choices=PhaseKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["application", "phase", "year", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(
                name="budget_line_amount_not_negative", condition=Q(amount_eur__gte=0)
            ),
            models.CheckConstraint(
                name="budget_line_phase_valid", condition=Q(phase__in=PhaseKind.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} {self.year}: {self.amount_eur} EUR"


class ReviewAssignment(models.Model):
    """A juror asked by an officer to review an application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "juror__username"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "juror"], name="assignment_one_per_juror"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.juror} → {self.application}"


class ConflictDeclaration(models.Model):
    """A juror's own statement of a conflict of interest with an application. Conflicts the
    data shows (organisations, managers) are detected by `selectors.conflicts_detected`."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    reason = models.TextField(_("reason"), blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["application", "juror"], name="conflict_one_per_juror"),
        ]

    def __str__(self) -> str:
        return f"{self.juror} ⟂ {self.application}"


class Review(models.Model):
    """One juror's review of one application: scores per criterion and a comment. The juror
    declares having no conflict of interest when submitting."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    comment = models.TextField(_("comment"), blank=True)
    no_conflict_declared = models.BooleanField(
        _("I declare that I have no conflict of interest"), default=False
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["application", "submitted_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "juror"],
                name="review_one_per_juror",
                violation_error_message=_("One review per juror and application."),
            ),
            models.CheckConstraint(
                name="review_requires_no_conflict_declaration",
                condition=Q(no_conflict_declared=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.juror}: {self.application}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["review", "criterion__position"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_one_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"

    def clean(self) -> None:
        criterion = self.criterion
        if not criterion.min_score <= self.score <= criterion.max_score:
            raise ValidationError(
                {
                    "score": _("%(criterion)s is scored from %(min)s to %(max)s (round rule).")
                    % {
                        "criterion": criterion.name,
                        "min": criterion.min_score,
                        "max": criterion.max_score,
                    }
                }
            )


class Grant(models.Model):
    """An approved application's grant: amount and duration, in two phases."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    german_funding_rate = models.DecimalField(
        _("federal funding rate for German partners in implementation"),
        max_digits=4,
        decimal_places=3,
        validators=[validators.validate_funding_rate],
        help_text=_("Taken from the programme when the grant is made; officers may change it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The fact of a real cluster's selection is not sample data; its amount and dates are,
    # when the demo invents them.
    is_sample = models.BooleanField(_("sample figures"), default=False)

    class Meta:
        ordering = ["application__round__year", "application__cluster__name"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(
                name="grant_amount_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
                condition=Q(amount_eur__gte=0),
            ),
            models.CheckConstraint(
                name="grant_ends_after_start",
                violation_error_message=_("A grant ends after it starts."),
                condition=Q(ends_on__gt=F("starts_on")),
            ),
            models.CheckConstraint(
                name="grant_funding_rate_0_to_1",
                condition=Q(german_funding_rate__gte=0) & Q(german_funding_rate__lte=1),
            ),
        ]

    def __str__(self) -> str:
        return str(self.application)

    @property
    def cluster(self) -> Cluster:
        return self.application.cluster

    @property
    def programme(self) -> FundingProgramme:
        return self.application.round.programme

    def clean(self) -> None:
        rules = self.programme.rules
        validators.validate_grant_amount(self.amount_eur, rules=rules)
        validators.validate_total_duration(self.starts_on, self.ends_on, rules=rules)


class Phase(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=20, choices=PhaseKind.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    budget_eur = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2)
    is_sample = models.BooleanField(_("sample figures"), default=False)

    class Meta:
        ordering = ["grant", "starts_on", "kind"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(fields=["grant", "kind"], name="phase_one_per_kind"),
            models.CheckConstraint(
                name="phase_ends_after_start",
                violation_error_message=_("A phase ends after it starts."),
                condition=Q(ends_on__gt=F("starts_on")),
            ),
            models.CheckConstraint(
                name="phase_budget_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
                condition=Q(budget_eur__gte=0),
            ),
            models.CheckConstraint(name="phase_kind_valid", condition=Q(kind__in=PhaseKind.values)),
        ]

    def __str__(self) -> str:
        return f"{self.grant}: {self.get_kind_display()}"

    def clean(self) -> None:
        validators.validate_phase_length(
            self.kind, self.starts_on, self.ends_on, rules=self.grant.programme.rules
        )


class ReportDue(models.Model):
    """A report a grant holder owes by a date; late when not in by then."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reports")
    phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    late_flagged_at = models.DateTimeField(_("flagged late"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["grant", "due_on", "pk"]
        verbose_name = _("report due")
        verbose_name_plural = _("reports due")

    def __str__(self) -> str:
        return f"{self.grant}: {self.title} ({self.due_on})"

    def is_late(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.submitted_at is not None:
            return timezone.localtime(self.submitted_at).date() > self.due_on
        return today > self.due_on


class InternationalisationConcept(models.Model):
    """The concept phase's first deliverable."""

    grant = models.OneToOneField(Grant, on_delete=models.CASCADE, related_name="concept")
    summary = models.TextField(_("summary"))
    target_countries = models.JSONField(_("target countries"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("internationalisation concept")
        verbose_name_plural = _("internationalisation concepts")

    def __str__(self) -> str:
        return f"{self.grant}: {self._meta.verbose_name}"


class ProjectOutline(models.Model):
    """An R&D project outline from the concept phase; officers approve or reject it, and only
    an approved outline becomes a collaborative project."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="outlines")
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    state = models.CharField(
        _("state"), max_length=12, choices=OutlineState.choices, default=OutlineState.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("justification"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["grant", "submitted_at", "pk"]
        verbose_name = _("project outline")
        verbose_name_plural = _("project outlines")
        constraints = [
            models.CheckConstraint(
                name="outline_state_valid", condition=Q(state__in=OutlineState.values)
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CollaborativeProject(models.Model):
    """An R&D&I project of the implementation phase, from an approved outline."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="projects")
    outline = models.OneToOneField(ProjectOutline, on_delete=models.PROTECT, related_name="project")
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ProjectState.choices, default=ProjectState.PLANNED
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["grant", "title"]
        verbose_name = _("collaborative project")
        verbose_name_plural = _("collaborative projects")
        constraints = [
            models.CheckConstraint(
                name="project_ends_after_start",
                violation_error_message=_("A project ends after it starts."),
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gt=F("starts_on")),
            ),
            models.CheckConstraint(
                name="project_state_valid", condition=Q(state__in=ProjectState.values)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        validators.validate_date_order(self.starts_on, self.ends_on)


class Participant(models.Model):
    """A German or international participant in a project: a cluster on the platform or a
    named organisation. The equal-footing facts sit side by side on the project's page."""

    project = models.ForeignKey(
        CollaborativeProject, on_delete=models.CASCADE, related_name="participants"
    )
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_participations",
    )
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2)
    know_how = models.TextField(_("know-how brought in"), blank=True)
    division_of_work = models.TextField(_("share of the work"), blank=True)
    management_organisation = models.CharField(
        _("management organisation"), max_length=300, blank=True
    )
    german_funding_eur = models.DecimalField(
        _("federal funding requested (EUR)"),
        null=True,
        blank=True,
        help_text=_("German participants only."),
        max_digits=14,
        decimal_places=2,
    )

    class Meta:
        ordering = ["project", "country", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                name="participant_is_cluster_or_named",
                violation_error_message=_("Name the organisation or choose a cluster."),
                condition=Q(cluster__isnull=False) | ~Q(organisation_name=""),
            ),
            models.CheckConstraint(
                name="participant_german_funding_not_negative",
                condition=Q(german_funding_eur__isnull=True) | Q(german_funding_eur__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.cluster.name if self.cluster_id and self.cluster else self.organisation_name

    @property
    def is_international(self) -> bool:
        return self.country != "DE"

    def clean(self) -> None:
        validate_country(self.country)


class OwnFunding(models.Model):
    """An international participant's own funding for the project: source, amount, status."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="funding")
    source = models.CharField(_("source"), max_length=300)
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=FundingStatus.choices, default=FundingStatus.PLANNED
    )
    updated_at = models.DateTimeField(auto_now=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["participant", "pk"]
        verbose_name = _("own funding")
        verbose_name_plural = _("own funding")
        constraints = [
            models.CheckConstraint(
                name="own_funding_amount_positive", condition=Q(amount_eur__gt=0)
            ),
            models.CheckConstraint(
                name="own_funding_status_valid", condition=Q(status__in=FundingStatus.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.source} {self.amount_eur} EUR ({self.status})"


def ipr_document_path(instance: IPRAgreement, filename: str) -> str:
    # The stored name never comes from the upload: only the project id and a fixed suffix.
    return f"programme/ipr/project-{instance.project_id}.pdf"


class IPRAgreement(models.Model):
    """The partners' agreement on intellectual property for one project."""

    project = models.OneToOneField(
        CollaborativeProject, on_delete=models.CASCADE, related_name="ipr_agreement"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=IPRStatus.choices, default=IPRStatus.DRAFT
    )
    document = models.FileField(_("document (PDF)"), upload_to=ipr_document_path, blank=True)
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("IPR agreement")
        verbose_name_plural = _("IPR agreements")
        constraints = [
            models.CheckConstraint(
                name="ipr_status_valid", condition=Q(status__in=IPRStatus.values)
            ),
            models.CheckConstraint(
                name="ipr_signed_has_date",
                violation_error_message=_("A signed agreement has its signing date."),
                condition=~Q(status=IPRStatus.SIGNED) | Q(signed_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_status_display()}"


class Expenditure(models.Model):
    """Spending recorded against a phase's budget."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="expenditures")
    spent_on = models.DateField(_("date"))
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    description = models.CharField(_("description"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["phase", "spent_on", "pk"]
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        constraints = [
            models.CheckConstraint(
                name="expenditure_amount_positive", condition=Q(amount_eur__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phase}: {self.amount_eur} EUR"
