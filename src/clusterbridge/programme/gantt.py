"""Lays out the schedule (`selectors.schedule`) as a Gantt chart: one row per grant, grouped by
round, a column per year from the first phase (or today) to the last (or today), today marked
and late reports flagged. Pure geometry; the SVG itself is the template `programme/_gantt.svg`,
used inline on the page and as the download."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clusterbridge.programme.selectors import Schedule

LABEL_WIDTH = 250
# The years share what the page's frame leaves beside the labels (72rem less its padding), so the
# whole span to today shows on a desktop; a long span keeps each year readable and scrolls.
CHART_WIDTH = 1120
MIN_YEAR_WIDTH = 44
ROW_HEIGHT = 26
HEADER_HEIGHT = 30
GROUP_HEIGHT = 26
# Two lanes per row, so overlapping phases (as the measure allows) both stay visible.
BAR_HEIGHT = 10
LANE = {"concept": 2, "implementation": 14}


def _n(value: float) -> str:
    """A coordinate as SVG wants it: a dot for decimals in every language."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class Bar:
    kind: str
    label: str
    x: float
    width: float
    y: float
    title: str

    @property
    def attrs(self) -> dict[str, str]:
        return {
            "x": _n(self.x),
            "y": _n(self.y),
            "width": _n(self.width),
            "height": str(BAR_HEIGHT),
        }


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    late: bool
    title: str

    @property
    def path(self) -> str:
        return f"M{_n(self.x)} {_n(self.y - 7)} l7 7 l-7 7 l-7 -7 z"


@dataclass(frozen=True)
class Row:
    label: str
    y: float
    is_sample: bool
    bars: list[Bar]
    markers: list[Marker]

    @property
    def text_y(self) -> str:
        return _n(self.y + 17)


@dataclass(frozen=True)
class Group:
    year: int
    y: float
    rows: list[Row]

    @property
    def text_y(self) -> str:
        return _n(self.y + 18)


@dataclass(frozen=True)
class YearTick:
    """A year's column: its line at 1 January and its number (none on the closing line)."""

    year: int | None
    x: float

    @property
    def line_x(self) -> str:
        return _n(self.x)

    @property
    def text_x(self) -> str:
        return _n(self.x + 4)


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    label_width: int
    groups: list[Group]
    years: list[YearTick]
    today_x: float | None
    today: dt.date
    late_count: int

    @property
    def size(self) -> dict[str, str]:
        today = {}
        if self.today_x is not None:
            # The word "today" stands right of the line, or left of it near the chart's end.
            near_end = self.today_x > self.width - 60
            today = {
                "today_x": _n(self.today_x),
                "today_text_x": _n(self.today_x - 3 if near_end else self.today_x + 3),
                "today_anchor": "end" if near_end else "start",
            }
        return {"width": _n(self.width), "height": _n(self.height), **today}


@dataclass(frozen=True)
class _Axis:
    first_year: int
    year_width: float

    def x(self, day: dt.date) -> float:
        start = dt.date(day.year, 1, 1)
        days_in_year = (dt.date(day.year + 1, 1, 1) - start).days
        fraction = (day - start).days / days_in_year
        return round(LABEL_WIDTH + (day.year - self.first_year + fraction) * self.year_width, 1)


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def chart(data: Schedule) -> Chart:
    """The chart's geometry: the years from the first phase to the last, widened to take in
    today; an empty schedule gives today's year alone."""
    first = min((data.starts_on or data.today).year, data.today.year)
    last = max((data.ends_on or data.today).year, data.today.year)
    span = last - first + 1
    year_width = max(MIN_YEAR_WIDTH, (CHART_WIDTH - LABEL_WIDTH) / span)
    axis = _Axis(first_year=first, year_width=year_width)
    years = [YearTick(year, axis.x(dt.date(year, 1, 1))) for year in range(first, last + 1)]
    years.append(YearTick(None, axis.x(dt.date(last + 1, 1, 1))))
    groups, y, late = [], float(HEADER_HEIGHT), 0
    for round_year, rows in data.by_round().items():
        group_y = y
        y += GROUP_HEIGHT
        laid = []
        for row in rows:
            bars = [
                Bar(
                    kind=bar.kind,
                    label=bar.label,
                    x=axis.x(bar.starts_on),
                    width=max(2.0, axis.x(bar.ends_on) - axis.x(bar.starts_on)),
                    y=y + LANE.get(bar.kind, 8),
                    title=_("%(cluster)s: %(phase)s, %(start)s to %(end)s")
                    % {
                        "cluster": row.cluster_name,
                        "phase": bar.label,
                        "start": _day(bar.starts_on),
                        "end": _day(bar.ends_on),
                    },
                )
                for bar in row.phases
            ]
            markers = []
            for report in row.reports:
                late += report.late
                markers.append(
                    Marker(
                        x=axis.x(report.due_on),
                        y=y + ROW_HEIGHT / 2,
                        late=report.late,
                        title=_("%(cluster)s: %(report)s, due on %(due)s")
                        % {
                            "cluster": row.cluster_name,
                            "report": report.title,
                            "due": _day(report.due_on),
                        },
                    )
                )
            laid.append(
                Row(
                    label=row.cluster_name,
                    y=y,
                    is_sample=row.is_sample,
                    bars=bars,
                    markers=markers,
                )
            )
            y += ROW_HEIGHT
        groups.append(Group(year=round_year, y=group_y, rows=laid))
    return Chart(
        width=years[-1].x,
        height=y + 10,
        label_width=LABEL_WIDTH,
        groups=groups,
        years=years,
        today_x=axis.x(data.today),
        today=data.today,
        late_count=late,
    )
