"""The schedule's Gantt chart: its years run from the first phase to today, today is drawn, the
whole span fits the page's frame on a desktop and scrolls inside it on a phone."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation
from freezegun import freeze_time

from clusterbridge.accounts.models import User
from clusterbridge.programme import gantt
from clusterbridge.programme.models import Application
from clusterbridge.programme.selectors import Schedule, ScheduleBar, ScheduleMilestone, ScheduleRow
from tests.programme.conftest import approve

TODAY = dt.date(2026, 12, 7)


def _schedule(*, starts_on: dt.date, ends_on: dt.date, today: dt.date = TODAY) -> Schedule:
    concept_end = dt.date(starts_on.year + 2, starts_on.month, 1) - dt.timedelta(days=1)
    row = ScheduleRow(
        grant_id=1,
        cluster_name="Photonics DE",
        cluster_slug="photonics-de",
        round_year=starts_on.year,
        is_sample=False,
        selection_inferred=False,
        starts_on=starts_on,
        ends_on=ends_on,
        phases=[
            ScheduleBar("concept", "Concept phase", starts_on, concept_end, Decimal(1), False),
            ScheduleBar(
                "implementation", "Implementation phase", concept_end, ends_on, Decimal(1), False
            ),
        ],
        reports=[ScheduleMilestone("Final report", ends_on, None, True, False)],
    )
    return Schedule(today=today, rows=[row], starts_on=starts_on, ends_on=ends_on)


def test_chart_years_run_from_the_first_phase_to_today() -> None:
    chart = gantt.chart(_schedule(starts_on=dt.date(2015, 7, 1), ends_on=dt.date(2020, 6, 30)))

    assert [tick.year for tick in chart.years] == [*range(2015, 2027), None]
    assert chart.years[-2].x < chart.today_x < chart.width  # type: ignore[operator]


def test_chart_years_run_to_the_last_phase_when_it_ends_after_today() -> None:
    chart = gantt.chart(_schedule(starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2031, 6, 30)))

    assert [tick.year for tick in chart.years] == [*range(2026, 2032), None]


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [(dt.date(2015, 7, 1), dt.date(2020, 6, 30)), (dt.date(2026, 7, 1), dt.date(2031, 6, 30))],
)
def test_chart_fills_the_desktop_frame_whatever_its_span(
    starts_on: dt.date, ends_on: dt.date
) -> None:
    chart = gantt.chart(_schedule(starts_on=starts_on, ends_on=ends_on))

    assert chart.width == gantt.CHART_WIDTH


def test_chart_of_decades_keeps_years_readable_and_grows() -> None:
    chart = gantt.chart(_schedule(starts_on=dt.date(1990, 1, 1), ends_on=dt.date(1995, 1, 1)))

    assert chart.years[1].x - chart.years[0].x == gantt.MIN_YEAR_WIDTH
    assert chart.width > gantt.CHART_WIDTH


def test_chart_today_label_stays_inside_the_chart_at_the_end_of_the_year() -> None:
    chart = gantt.chart(_schedule(starts_on=dt.date(2015, 7, 1), ends_on=dt.date(2020, 6, 30)))

    assert chart.size["today_anchor"] == "end"
    assert float(chart.size["today_text_x"]) < chart.width


@pytest.mark.parametrize(
    ("language", "bar", "marker"),
    [
        (
            "en",
            "Photonics DE: Concept phase, 01/07/2015 to 30/06/2017",
            "Photonics DE: Final report, due on 30/06/2020",
        ),
        (
            "de",
            "Photonics DE: Concept phase, 01.07.2015 bis 30.06.2017",
            "Photonics DE: Final report, fällig am 30.06.2020",
        ),
    ],
)
def test_chart_tooltips_are_in_the_page_language(language: str, bar: str, marker: str) -> None:
    with translation.override(language):
        chart = gantt.chart(_schedule(starts_on=dt.date(2015, 7, 1), ends_on=dt.date(2020, 6, 30)))

    row = chart.groups[0].rows[0]
    assert (row.bars[0].title, row.markers[0].title) == (bar, marker)


@pytest.mark.django_db
def test_schedule_page_draws_today_inside_a_chart_that_fits_a_labelled_scroll_frame(
    submitted: Application, officer: User, applicant: User
) -> None:
    with freeze_time("2016-01-10"):
        approve(
            submitted,
            officer,
            applicant,
            starts_on=dt.date(2016, 7, 1),
            amount_eur=Decimal("2000000"),
        )
    with freeze_time(TODAY.isoformat()):
        page = Client().get("/en/programme/schedule/").content.decode()

    svg = re.search(r'<svg class="gantt" viewBox="0 0 (\S+) (\S+)" width="(\S+)"', page)
    today = re.search(r'<line x1="(\S+)" y1="20" x2="\S+" y2="\S+" stroke="#a4161a"', page)
    years = re.findall(r'<text x="\S+" y="16" fill="#1b1f24">(\d+)</text>', page)
    assert svg is not None
    assert today is not None
    assert float(svg.group(3)) == gantt.CHART_WIDTH
    assert 0 < float(today.group(1)) < float(svg.group(3))
    assert years == [str(year) for year in range(2016, 2027)]
    # The table under the chart scrolls in its own frame too, named by its caption.
    assert re.findall(r'role="region" aria-labelledby="(schedule-round-\d+)"', page) == [
        f"schedule-round-{submitted.round.year}"
    ]
    assert (
        page.count('<div class="table-scroll" tabindex="0" role="region" aria-label="Gantt chart">')
        == 1
    )
