"""The demo loads the real measure: three rounds with their published dates, the selected
clusters matched by name, and every invented figure marked as sample data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clusterbridge.demo.programme import load_measure_raw, measure_load
from clusterbridge.demo.services import demo_load
from clusterbridge.programme.enums import ApplicationState, DatePrecision
from clusterbridge.programme.models import (
    Application,
    FundingProgramme,
    Grant,
    Phase,
    ReportDue,
    Round,
)

pytestmark = pytest.mark.django_db


def test_demo_load_loads_the_measure_with_three_real_rounds() -> None:
    demo_load()

    rounds = {round.year: round for round in Round.objects.all()}
    programme = FundingProgramme.objects.get()

    assert sorted(rounds) == [2015, 2016, 2017]
    assert (programme.max_grant_eur, programme.concept_max_months) == (Decimal(4000000), 24)
    assert (programme.implementation_max_months, programme.total_max_months) == (36, 60)
    assert programme.german_funding_rate == Decimal("0.5")
    assert (rounds[2015].call_opens, rounds[2015].call_closes) == (None, dt.date(2015, 2, 28))
    assert (rounds[2015].decision_date, rounds[2015].decision_date_precision) == (
        dt.date(2015, 6, 30),
        DatePrecision.DAY,
    )
    assert (rounds[2016].call_opens, rounds[2016].call_closes) == (dt.date(2015, 11, 23), None)
    assert (rounds[2016].decision_date, rounds[2016].decision_date_precision) == (
        dt.date(2016, 6, 1),
        DatePrecision.MONTH,
    )
    assert (rounds[2017].call_opens, rounds[2017].call_closes) == (
        dt.date(2016, 11, 7),
        dt.date(2017, 3, 15),
    )
    assert [rounds[year].selected_published for year in (2015, 2016, 2017)] == [11, 11, 10]
    assert rounds[2015].estimated_fields == ["criteria"]


def test_demo_load_marks_the_real_selected_clusters() -> None:
    raw = load_measure_raw()
    demo_load()

    for raw_round in raw["rounds"]:
        selected = Application.objects.filter(round__year=raw_round["year"])
        confirmed = sorted(
            selected.filter(selection_inferred=False).values_list("cluster__name", flat=True)
        )
        inferred = sorted(
            selected.filter(selection_inferred=True).values_list("cluster__name", flat=True)
        )
        assert confirmed == sorted(raw_round["selected_clusters_identified"])
        assert inferred == sorted(raw_round["selected_clusters_inferred"])
    assert set(Application.objects.values_list("state", "is_sample")) == {
        (ApplicationState.APPROVED, False)
    }
    assert Application.objects.count() == 21


def test_demo_load_marks_invented_grant_figures_as_sample() -> None:
    demo_load()

    assert Grant.objects.count() == 21
    assert set(Grant.objects.values_list("is_sample", flat=True)) == {True}
    assert set(Phase.objects.values_list("is_sample", flat=True)) == {True}
    assert ReportDue.objects.count() == 42
    assert set(ReportDue.objects.values_list("is_sample", flat=True)) == {True}
    # Invented reports never make a real cluster look late.
    assert [report for report in ReportDue.objects.all() if report.is_late()] == []
    for grant in Grant.objects.prefetch_related("phases"):
        grant.full_clean()
        assert sum(phase.budget_eur for phase in grant.phases.all()) == grant.amount_eur


def test_measure_load_twice_changes_nothing() -> None:
    demo_load()
    counts = (
        Round.objects.count(),
        Application.objects.count(),
        Phase.objects.count(),
        ReportDue.objects.count(),
    )

    second = measure_load()

    assert (second.rounds, second.selected, second.unmatched) == (3, 21, [])
    assert (
        Round.objects.count(),
        Application.objects.count(),
        Phase.objects.count(),
        ReportDue.objects.count(),
    ) == counts


def test_demo_if_empty_adds_the_measure_to_a_landscape_loaded_before_it() -> None:
    demo_load()
    # As a landscape loaded before the measure was part of the demo.
    Grant.objects.all().delete()
    Application.objects.all().delete()
    FundingProgramme.objects.all().delete()

    result = demo_load(only_if_empty=True)

    assert (result.skipped, Round.objects.count(), Grant.objects.count()) == (True, 3, 21)
