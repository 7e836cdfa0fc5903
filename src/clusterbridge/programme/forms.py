"""Forms of the programme's pages. They parse what the user typed into the values the services
take; the rules themselves live in `validators` and `services`, whose errors the views put back
next to the field they name (see `views._add_errors`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from clusterbridge.programme.enums import FundingStatus, IPRStatus, PhaseKind, ProjectState
from clusterbridge.programme.models import ReviewCriterion
from clusterbridge.programme.services import BudgetLineIn
from clusterbridge.taxonomy.geo import country_codes, country_name

AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0)}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def country_choices(*, exclude: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Countries by their name in the current language."""
    rows = [(code, country_name(code)) for code in country_codes() if code not in exclude]
    return sorted(rows, key=lambda row: row[1].casefold())


def choice_list(*, filter_label: str | Any) -> forms.CheckboxSelectMultiple:
    """Checkboxes in a scrolling list, so several are picked without Ctrl-click, with a box
    above that narrows the list by name (site.js). A group of choices becomes a labelled group
    (Django's own template gives its name an orphan label); the widget keeps its type, which
    `_form_fields.html` asks."""
    widget = forms.CheckboxSelectMultiple(
        attrs={"class": "choice-list", "data-filter-label": filter_label}
    )
    widget.template_name = "programme/widgets/choice_list.html"
    return widget


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class SketchForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    idea = forms.CharField(
        label=_("Internationalisation idea"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What your cluster wants to achieve with partners abroad."),
    )
    target_countries = forms.MultipleChoiceField(
        label=_("Target countries"),
        required=False,
        widget=choice_list(filter_label=_("Filter the countries by name")),
    )
    target_regions = forms.CharField(
        label=_("Target regions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Innovation regions abroad, one per line."),
    )
    partner_candidates = forms.MultipleChoiceField(
        label=_("Partner candidates"),
        required=False,
        help_text=_("Clusters abroad; matchmaking's suggestions come first."),
        widget=choice_list(filter_label=_("Filter the clusters abroad by name")),
    )

    def __init__(
        self,
        *args: Any,
        partner_choices: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_countries"].choices = country_choices(exclude=["DE"])  # type: ignore[attr-defined]
        self.fields["partner_candidates"].choices = partner_choices  # type: ignore[attr-defined]

    def clean_target_regions(self) -> list[str]:
        return _lines(self.cleaned_data["target_regions"])


class BudgetLineForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=[("", "—"), *PhaseKind.choices])
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount_eur = forms.DecimalField(label=_("Amount (EUR)"), **AMOUNT)  # type: ignore[arg-type]
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def line(self) -> BudgetLineIn:
        data = self.cleaned_data
        return BudgetLineIn(
            phase=data["phase"],
            year=data["year"],
            amount_eur=data["amount_eur"],
            description=data.get("description", ""),
        )


class BaseBudgetLineFormSet(BaseFormSet):
    """Every line may be left empty to drop it, the saved ones included: the lines are shown
    as initial values but bound without them, so a filled line always counts."""

    def initial_form_count(self) -> int:
        return 0

    def total_form_count(self) -> int:
        if self.is_bound:
            return super().total_form_count()
        return len(self.initial or []) + self.extra


BudgetLineFormSet = formset_factory(
    BudgetLineForm, formset=BaseBudgetLineFormSet, extra=2, max_num=20, validate_max=True
)


def budget_lines_of(formset: Any) -> tuple[list[BudgetLineIn], list[int]]:
    """The filled rows as service input, and for each the index of its form (errors of line i
    go back to form `indices[i]`)."""
    lines, indices = [], []
    for index, form in enumerate(formset.forms):
        if form.cleaned_data and not form.cleaned_data.get("DELETE"):
            lines.append(form.line())
            indices.append(index)
    return lines, indices


class FormalForm(forms.Form):
    formal_text = forms.CharField(
        label=_("Formal application"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("The full application after the panel's recommendation."),
    )


class WithdrawForm(forms.Form):
    justification = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you have a conflict of interest"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class ReviewForm(forms.Form):
    """A score per criterion of the round (named `score_<criterion id>`), a comment and the
    declaration of no conflict."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    no_conflict_declared = forms.BooleanField(
        label=_("I declare that I have no conflict of interest"), required=False
    )

    def __init__(self, *args: Any, criteria: Sequence[ReviewCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores: dict[str, forms.Field] = {}
        for criterion in self.criteria:
            scores[f"score_{criterion.pk}"] = forms.IntegerField(
                label=criterion.name,
                required=False,
                help_text=_("%(min)s to %(max)s, weight %(weight)s")
                % {
                    "min": criterion.min_score,
                    "max": criterion.max_score,
                    "weight": f"{criterion.weight:g}",
                },
                widget=forms.NumberInput(
                    attrs={
                        "data-weight": str(criterion.weight),
                        "data-min": criterion.min_score,
                        "data-max": criterion.max_score,
                        "class": "review-score",
                    }
                ),
            )
        # Scores first, then the comment and the declaration.
        self.fields = {**scores, **self.fields}

    def scores(self) -> dict[int, int]:
        return {
            criterion.pk: self.cleaned_data[f"score_{criterion.pk}"]
            for criterion in self.criteria
            if self.cleaned_data.get(f"score_{criterion.pk}") is not None
        }

    def score_fields(self) -> list[Any]:
        return [self[f"score_{criterion.pk}"] for criterion in self.criteria]


class RoundForm(forms.Form):
    call_opens = forms.DateField(label=_("Call opens"), required=False, widget=DATE)
    call_closes = forms.DateField(label=_("Call closes"), required=False, widget=DATE)
    review_starts = forms.DateField(label=_("Review starts"), required=False, widget=DATE)
    review_ends = forms.DateField(label=_("Review ends"), required=False, widget=DATE)
    decision_date = forms.DateField(label=_("Decision"), required=False, widget=DATE)
    budget_eur = forms.DecimalField(label=_("Budget (EUR)"), required=False, **AMOUNT)  # type: ignore[arg-type]
    target_selected = forms.IntegerField(
        label=_("Clusters to select (target)"), required=False, min_value=0
    )

    def __init__(self, *args: Any, programme_target: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programme_target is not None:
            # An empty target is not zero: the programme's target per round applies.
            self.fields["target_selected"].help_text = _(
                "Leave empty to use the programme's target per round (%(target)s)."
            ) % {"target": programme_target}


class RoundCreateForm(RoundForm):
    """A new round: its year, then the same settings as `RoundForm`."""

    field_order = ["year"]

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class FundingRateForm(forms.Form):
    """The grant's federal funding rate for German partners, typed as a percentage; the range
    is the programme's rule (`validators.validate_funding_rate`), checked by the service."""

    percent = forms.DecimalField(
        label=_("Funding rate for German partners (percent)"), max_digits=4, decimal_places=1
    )

    def rate(self) -> Decimal:
        return self.cleaned_data["percent"] / 100


class CriterionForm(forms.Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_de = forms.CharField(label=_("Name (German)"), max_length=200, required=False)
    weight = forms.DecimalField(
        label=_("Weight"), max_digits=5, decimal_places=2, min_value=Decimal("0.01")
    )
    min_score = forms.IntegerField(label=_("Lowest score"), min_value=0, initial=0)
    max_score = forms.IntegerField(label=_("Highest score"), min_value=1, initial=10)


class AssignmentAddForm(forms.Form):
    application = forms.TypedChoiceField(label=_("Application"), coerce=int)
    juror = forms.TypedChoiceField(label=_("Jury member"), coerce=int)

    def __init__(
        self,
        *args: Any,
        applications: list[tuple[int, str]],
        jurors: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = applications  # type: ignore[attr-defined]
        self.fields["juror"].choices = jurors  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    """An officer's step on one application after the panel: agency review, approval (with
    the grant, see `ApproveForm`) or decline."""

    justification = forms.CharField(
        label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ApproveForm(forms.Form):
    justification = forms.CharField(
        label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    amount_eur = forms.DecimalField(label=_("Grant (EUR)"), **AMOUNT)  # type: ignore[arg-type]
    starts_on = forms.DateField(label=_("Grant starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Grant ends"), widget=DATE)
    concept_starts_on = forms.DateField(label=_("Concept phase starts"), widget=DATE)
    concept_ends_on = forms.DateField(label=_("Concept phase ends"), widget=DATE)
    concept_budget_eur = forms.DecimalField(label=_("Concept phase budget (EUR)"), **AMOUNT)  # type: ignore[arg-type]
    implementation_starts_on = forms.DateField(
        label=_("Implementation phase starts"), required=False, widget=DATE
    )
    implementation_ends_on = forms.DateField(
        label=_("Implementation phase ends"), required=False, widget=DATE
    )
    implementation_budget_eur = forms.DecimalField(
        label=_("Implementation phase budget (EUR)"),
        required=False,
        **AMOUNT,  # type: ignore[arg-type]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [
            data.get(name)
            for name in (
                "implementation_starts_on",
                "implementation_ends_on",
                "implementation_budget_eur",
            )
        ]
        if any(part is not None for part in parts) and any(part is None for part in parts):
            raise forms.ValidationError(
                _("Give the implementation phase's start, end and budget, or none of them.")
            )
        return data


class ExpenditureForm(forms.Form):
    phase = forms.TypedChoiceField(label=_("Phase"), coerce=int)
    amount_eur = forms.DecimalField(label=_("Amount (EUR)"), **AMOUNT)  # type: ignore[arg-type]
    spent_on = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=300)

    def __init__(self, *args: Any, phases: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = phases  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    title = forms.CharField(label=_("Report"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=DATE)


class ConceptForm(forms.Form):
    summary = forms.CharField(
        label=_("Internationalisation concept"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    target_countries = forms.MultipleChoiceField(
        label=_("Target countries"),
        required=False,
        widget=choice_list(filter_label=_("Filter the countries by name")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_countries"].choices = country_choices(exclude=["DE"])  # type: ignore[attr-defined]


class OutlineForm(forms.Form):
    title = forms.CharField(label=_("Project title"), max_length=300)
    summary = forms.CharField(label=_("Outline"), widget=forms.Textarea(attrs={"rows": 5}))


class OutlineDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Reject"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    justification = forms.CharField(
        label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Project title"), max_length=300, required=False)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=DATE)


class ParticipantForm(forms.Form):
    cluster = forms.ChoiceField(label=_("Cluster on the platform"), required=False)
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=300,
        required=False,
        help_text=_("When the participant is not a cluster on the platform."),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    know_how = forms.CharField(
        label=_("Know-how brought in"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    division_of_work = forms.CharField(
        label=_("Share of the work"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    management_organisation = forms.CharField(
        label=_("Management organisation"), max_length=300, required=False
    )
    german_funding_eur = forms.DecimalField(
        label=_("Federal funding requested (EUR)"),
        required=False,
        help_text=_("German participants only."),
        **AMOUNT,  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, clusters: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [("", "—"), *clusters]  # type: ignore[attr-defined]
        self.fields["country"].choices = [("", "—"), *country_choices()]  # type: ignore[attr-defined]


class OwnFundingForm(forms.Form):
    participant = forms.TypedChoiceField(label=_("International participant"), coerce=int)
    source = forms.CharField(label=_("Source of funding"), max_length=300)
    amount_eur = forms.DecimalField(label=_("Amount (EUR)"), **AMOUNT)  # type: ignore[arg-type]
    status = forms.ChoiceField(label=_("Status"), choices=FundingStatus.choices)

    def __init__(self, *args: Any, participants: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = participants  # type: ignore[attr-defined]


class IPRForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IPRStatus.choices)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DATE)
    document = forms.FileField(
        label=_("Agreement (PDF)"), required=False, help_text=_("A PDF of at most 10 MB.")
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProjectTransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New state"), choices=ProjectState.choices)

    def __init__(self, *args: Any, allowed: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [  # type: ignore[attr-defined]
            (state.value, state.label) for state in ProjectState if state.value in allowed
        ]


class GrantBudgetForm(forms.Form):
    """The grant's amount and its phases' budgets, changed together (they must add up)."""

    amount_eur = forms.DecimalField(label=_("Grant (EUR)"), **AMOUNT)  # type: ignore[arg-type]
    concept_budget_eur = forms.DecimalField(
        label=_("Concept phase budget (EUR)"),
        required=False,
        **AMOUNT,  # type: ignore[arg-type]
    )
    implementation_budget_eur = forms.DecimalField(
        label=_("Implementation phase budget (EUR)"),
        required=False,
        **AMOUNT,  # type: ignore[arg-type]
    )
    justification = forms.CharField(
        label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def phase_budgets(self) -> dict[str, Decimal]:
        return {
            kind: self.cleaned_data[f"{kind}_budget_eur"]
            for kind in PhaseKind.values
            if self.cleaned_data.get(f"{kind}_budget_eur") is not None
        }


class PhaseRescheduleForm(forms.Form):
    phase = forms.TypedChoiceField(label=_("Phase"), coerce=int)
    starts_on = forms.DateField(label=_("Starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), widget=DATE)
    justification = forms.CharField(
        label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, phases: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = phases  # type: ignore[attr-defined]
