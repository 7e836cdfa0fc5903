"""Dates as read in Britain and Germany: day before month, 24-hour clock; CSV stays ISO."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, timezone, translation

DAY = dt.date(2026, 12, 7)
# In the site's time zone, as pages show them.
MORNING = dt.datetime(2026, 12, 7, 10, 5, tzinfo=timezone.get_default_timezone())
EVENING = dt.datetime(2026, 12, 7, 22, 5, tzinfo=timezone.get_default_timezone())


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["7 December 2026", "07/12/2026", "22:05", "7 December 2026, 10:05"]),
        ("de", ["7. Dezember 2026", "07.12.2026", "22:05", "7. Dezember 2026 10:05"]),
    ],
)
def test_dates_are_written_day_first_with_a_24_hour_clock(
    language: str, expected: list[str]
) -> None:
    with translation.override(language):
        written = [
            formats.date_format(DAY, "DATE_FORMAT"),
            formats.date_format(DAY, "SHORT_DATE_FORMAT"),
            formats.time_format(EVENING.time(), "TIME_FORMAT"),
            formats.date_format(MORNING, "DATETIME_FORMAT"),
        ]

    assert written == expected


def test_english_sentence_ending_on_a_time_has_one_period() -> None:
    template = Template(
        '{% load i18n %}{% blocktranslate with when=moment|date:"DATETIME_FORMAT" %}'
        "Accepted on {{ when }}.{% endblocktranslate %}"
    )

    with translation.override("en"):
        sentence = template.render(Context({"moment": MORNING}))

    assert sentence == "Accepted on 7 December 2026, 10:05."


def test_english_date_fields_read_iso_and_day_first() -> None:
    field = forms.DateField()

    with translation.override("en"):
        read = [field.clean(text) for text in ("2026-12-07", "07/12/2026", "7 December 2026")]

    assert read == [DAY, DAY, DAY]
