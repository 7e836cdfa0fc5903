"""Dates on the programme's pages and in its mails, in the reader's language (day first, as in
Britain and Germany); the CSV download keeps ISO dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from clusterbridge.accounts.models import User
from clusterbridge.programme import services
from clusterbridge.programme.models import Application, Grant
from tests.programme.conftest import approve

pytestmark = pytest.mark.django_db

DASH = "\u2013"  # the en dash between the first and the last day


def test_schedule_table_writes_short_dates_day_first_and_csv_keeps_iso(grant: Grant) -> None:
    english = Client().get("/en/programme/schedule/").content.decode()
    german = Client().get("/de/programme/schedule/").content.decode()
    csv = Client().get("/en/programme/schedule.csv").content.decode()

    assert english.count(f"01/07/2026 {DASH} 30/06/2028") == 1
    assert german.count(f"01.07.2026 {DASH} 30.06.2028") == 1
    assert csv.count(",2026-07-01,2028-06-30,") == 1


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("en", "1 July 2026 to 30 June 2031, 2,000,000.00 EUR"),
        ("de", "1. Juli 2026 bis 30. Juni 2031, 2.000.000,00 EUR"),
    ],
)
def test_grant_mail_writes_dates_and_amount_in_the_recipients_language(
    language: str,
    detail: str,
    submitted: Application,
    officer: User,
    applicant: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    applicant.preferred_language = language
    applicant.save()

    with django_capture_on_commit_callbacks(execute=True):
        approve(submitted, officer, applicant)

    bodies = [m.body for m in mail.outbox if m.to == ["applicant@example.org"]]
    assert bodies[-1].splitlines()[-1] == detail


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "Report “Interim report” due on 31 July 2026"),
        ("de", "Bericht „Interim report“ fällig am 31. Juli 2026"),
    ],
)
def test_report_reminder_writes_the_due_date_in_the_recipients_language(
    language: str,
    subject: str,
    grant: Grant,
    officer: User,
    applicant: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    applicant.preferred_language = language
    applicant.save()
    services.report_schedule(
        grant=grant, actor=officer, title="Interim report", due_on=dt.date(2026, 7, 31)
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.reports_remind(days=30, today=dt.date(2026, 7, 10))

    assert [m.subject for m in mail.outbox if m.to == ["applicant@example.org"]] == [subject]
