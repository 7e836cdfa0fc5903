"""Lays out the schedule (`selectors.schedule`) as a Gantt chart: one row per grant, grouped by
round, a column per year, today marked and late reports flagged. Pure geometry; the SVG itself
is the template `programme/_gantt.svg`, used inline on the page and as the download."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clusterbridge.programme.selectors import Schedule

LABEL_WIDTH = 300
YEAR_WIDTH = 110
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
    year: int
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
        today = (
            {}
            if self.today_x is None
            else {
                "today_x": _n(self.today_x),
                "today_text_x": _n(self.today_x + 3),
            }
        )
        return {"width": _n(self.width), "height": _n(self.height), **today}


def _x(day: dt.date, first_year: int) -> float:
    start = dt.date(day.year, 1, 1)
    days_in_year = (dt.date(day.year + 1, 1, 1) - start).days
    fraction = (day - start).days / days_in_year
    return round(LABEL_WIDTH + (day.year - first_year + fraction) * YEAR_WIDTH, 1)


def chart(data: Schedule) -> Chart:
    """The chart's geometry; an empty schedule gives an empty chart around today's year."""
    first = (data.starts_on or data.today).year
    last = max((data.ends_on or data.today).year, data.today.year)
    first = min(first, data.today.year)
    years = [YearTick(year, _x(dt.date(year, 1, 1), first)) for year in range(first, last + 2)]
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
                    x=_x(bar.starts_on, first),
                    width=max(2.0, _x(bar.ends_on, first) - _x(bar.starts_on, first)),
                    y=y + LANE.get(bar.kind, 8),
                    title=f"{row.cluster_name}: {bar.label}, {bar.starts_on} to {bar.ends_on}",
                )
                for bar in row.phases
            ]
            markers = []
            for report in row.reports:
                late += report.late
                markers.append(
                    Marker(
                        x=_x(report.due_on, first),
                        y=y + ROW_HEIGHT / 2,
                        late=report.late,
                        title=f"{row.cluster_name}: {report.title}, {report.due_on}",
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
    width = LABEL_WIDTH + (last - first + 2) * YEAR_WIDTH
    return Chart(
        width=width,
        height=y + 10,
        label_width=LABEL_WIDTH,
        groups=groups,
        years=years,
        today_x=_x(data.today, first),
        today=data.today,
        late_count=late,
    )
