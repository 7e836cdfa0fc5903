"""Loads the real funding measure from `data/funding_measure.json`: the programme's rules, its
three rounds with their published dates, and the clusters each round selected.

Nothing is invented silently. Unknown dates stay empty; a date published only to the month
("2016-06") is stored with its precision. Where the demo needs a value the sources do not give
(review criteria, grant amounts, phase dates, reports), the value is marked: criteria are
listed in the round's `estimated_fields`; grants, phases and their reports carry
`is_sample=True`. That a cluster was selected is a fact (`is_sample=False`); a selection the
sources only suggest is `selection_inferred=True`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from clusterbridge.clusters.models import Cluster
from clusterbridge.demo.convert import DATA_DIR
from clusterbridge.programme.enums import ApplicationState, DatePrecision, PhaseKind
from clusterbridge.programme.models import (
    Application,
    FundingProgramme,
    Grant,
    Phase,
    ReportDue,
    ReviewCriterion,
    Round,
)
from clusterbridge.programme.validators import last_day_within

PROGRAMME_SLUG = "internationalisation-measure"
# The published partner requirements, used as the demo's jury criteria (an estimate: the real
# panel's criteria and weights are not published).
CRITERIA = (
    ("Complementary competences", "Komplementäre Kompetenzen", Decimal(2)),
    ("Cooperation on an equal footing", "Kooperation auf Augenhöhe", Decimal(1)),
    ("Dedicated management organisation", "Eigenes Clustermanagement", Decimal(1)),
    ("Willingness to agree on IPR rules", "Bereitschaft zu IPR-Regeln", Decimal(1)),
)
# Sample figures for the grants of real selected clusters (the real amounts are not published).
SAMPLE_CONCEPT_EUR = Decimal("500000")
SAMPLE_IMPLEMENTATION_EUR = Decimal("3500000")
SAMPLE_REPORT_TITLES = {
    PhaseKind.CONCEPT: "Concept phase report",
    PhaseKind.IMPLEMENTATION: "Final report",
}
SAMPLE_REPORT_DAYS_AFTER = 90


@dataclass
class MeasureResult:
    rounds: int = 0
    selected: int = 0
    unmatched: list[str] = field(default_factory=list)


def load_measure_raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (DATA_DIR / "funding_measure.json").read_text(encoding="utf-8")
    )
    return data


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _month(value: str | None) -> tuple[dt.date | None, str]:
    """ "2016-06" → (1 June 2016, month precision); "2015-06-30" → (that day, day precision)."""
    if not value:
        return None, DatePrecision.DAY
    if len(value) == 7:
        return dt.date.fromisoformat(f"{value}-01"), DatePrecision.MONTH
    return dt.date.fromisoformat(value), DatePrecision.DAY


def _round_values(raw: dict[str, Any]) -> dict[str, Any]:
    award = raw.get("award_event", "")
    # The award event of 2015 names its date ("..., Berlin, 2015-06-30"): the decision's day.
    decision, precision = _month(raw.get("selection_announced"))
    if decision is None and award:
        decision, precision = _month(award.rsplit(", ", 1)[-1])
    facts = {
        key: raw[key]
        for key in ("information_events", "award_event", "guideline_published")
        if raw.get(key)
    }
    return {
        # A call opens with its published guideline, and closes on its deadline.
        "call_opens": _day(raw.get("guideline_published")),
        "call_closes": _day(raw.get("deadline") or raw.get("guideline_deadline")),
        "decision_date": decision,
        "decision_date_precision": precision,
        "selected_published": raw.get("selected"),
        "projects_started_year": raw.get("projects_started"),
        "facts": facts,
        "estimated_fields": ["criteria"],
    }


def _find_cluster(name: str) -> Cluster | None:
    return (
        Cluster.objects.filter(name=name).first()
        or Cluster.objects.filter(name__iexact=name).first()
    )


def _sample_grant(application: Application, round: Round) -> None:
    """Sample figures for a real selection: the concept phase from the month after the
    decision, the implementation phase from January of the year projects started."""
    decision = round.decision_date or dt.date(round.year, 6, 1)
    start = dt.date(decision.year, decision.month, 1) + dt.timedelta(days=32)
    start = start.replace(day=1)
    programme = round.programme
    concept_end = last_day_within(start, programme.concept_max_months)
    implementation_start = dt.date(round.projects_started_year or start.year + 1, 1, 1)
    implementation_end = last_day_within(implementation_start, programme.implementation_max_months)
    grant, _created = Grant.objects.update_or_create(
        application=application,
        defaults={
            "amount_eur": SAMPLE_CONCEPT_EUR + SAMPLE_IMPLEMENTATION_EUR,
            "starts_on": start,
            "ends_on": implementation_end,
            "german_funding_rate": programme.german_funding_rate,
            "is_sample": True,
        },
    )
    grant.full_clean()
    for kind, starts_on, ends_on, budget in (
        (PhaseKind.CONCEPT, start, concept_end, SAMPLE_CONCEPT_EUR),
        (
            PhaseKind.IMPLEMENTATION,
            implementation_start,
            implementation_end,
            SAMPLE_IMPLEMENTATION_EUR,
        ),
    ):
        phase, _created = Phase.objects.update_or_create(
            grant=grant,
            kind=kind,
            defaults={
                "starts_on": starts_on,
                "ends_on": ends_on,
                "budget_eur": budget,
                "is_sample": True,
            },
        )
        phase.full_clean()
        # Sample reports: one after each phase (the real schedule is not published). A sample
        # report due in the past counts as handed in on its due date: the demo must not show a
        # real cluster as late on invented data.
        due_on = ends_on + dt.timedelta(days=SAMPLE_REPORT_DAYS_AFTER)
        submitted_at = (
            dt.datetime.combine(due_on, dt.time(12), tzinfo=timezone.get_current_timezone())
            if due_on < timezone.localdate()
            else None
        )
        report, _created = ReportDue.objects.update_or_create(
            grant=grant,
            phase=phase,
            defaults={
                "title": SAMPLE_REPORT_TITLES[kind],
                "due_on": due_on,
                "submitted_at": submitted_at,
                "is_sample": True,
            },
        )
        report.full_clean()


@transaction.atomic
def measure_load() -> MeasureResult:
    """Writes the measure, its rounds and its selected clusters; running it again updates."""
    raw = load_measure_raw()
    rules = raw["rules"]
    programme, _created = FundingProgramme.objects.update_or_create(
        slug=PROGRAMME_SLUG,
        defaults={
            "name_en": raw["name_en"],
            "name_de": raw["name_de"],
            "funder": raw["funder"],
            "agency": raw["project_management_agency"],
            "max_grant_eur": Decimal(rules["max_grant_eur"]),
            "concept_max_months": rules["concept_phase_max_months"],
            "implementation_max_months": rules["implementation_phase_max_months"],
            "total_max_months": rules["max_total_months"],
            "phases_may_overlap": rules["phases_may_overlap"],
            "target_per_round": rules["target_selected_per_round"],
            "german_funding_rate": Decimal(
                str(rules["federal_funding_rate_german_partners_implementation"])
            ),
            "international_partners_fund_themselves": rules[
                "international_partners_fund_themselves"
            ],
            "facts": {
                # The published facts in German too, where the German page shows them.
                "funder_de": raw["funder_de"],
                "agency_de": raw["project_management_agency_de"],
                "selection_steps": raw["selection_steps"],
                "selection_steps_de": raw["selection_steps_de"],
                "eligible_applicants": rules["eligible_applicants"],
                "partner_requirements": rules["partner_requirements"],
                "partner_requirements_de": rules["partner_requirements_de"],
                "typical_rd_projects_per_cluster": rules["typical_rd_projects_per_cluster"],
                "total_selected": raw["total_selected"],
                "federal_support_since_2014_eur": raw[
                    "federal_support_for_international_cluster_cooperation_since_2014_eur"
                ],
                "accompanying_research": raw["accompanying_research"],
            },
            "sources": raw["sources"],
        },
    )
    programme.full_clean()
    result = MeasureResult()
    for raw_round in raw["rounds"]:
        round, _created = Round.objects.update_or_create(
            programme=programme, year=raw_round["year"], defaults=_round_values(raw_round)
        )
        round.full_clean()
        result.rounds += 1
        for position, (name_en, name_de, weight) in enumerate(CRITERIA):
            ReviewCriterion.objects.update_or_create(
                round=round,
                name_en=name_en,
                defaults={"name_de": name_de, "weight": weight, "position": position},
            )
        for name, inferred in [
            *((name, False) for name in raw_round["selected_clusters_identified"]),
            *((name, True) for name in raw_round["selected_clusters_inferred"]),
        ]:
            cluster = _find_cluster(name)
            if cluster is None:
                result.unmatched.append(name)
                continue
            application, _created = Application.objects.update_or_create(
                round=round,
                cluster=cluster,
                defaults={
                    "state": ApplicationState.APPROVED,
                    "is_sample": False,
                    "selection_inferred": inferred,
                },
            )
            _sample_grant(application, round)
            result.selected += 1
    return result
