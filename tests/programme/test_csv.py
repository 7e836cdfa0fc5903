"""The programme's CSV downloads (schedule and selection board, on the pages and the API) open
safely in a spreadsheet: text that begins like a formula, a tab or a carriage return included,
gets an apostrophe, and the files start with a byte-order mark so umlauts survive Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client

from clusterbridge.accounts.models import User
from clusterbridge.accounts.services import api_token_create
from clusterbridge.programme import services

pytestmark = pytest.mark.django_db

TITLES = ['\t=HYPERLINK("http://evil.example")', "\r=1+1", "-2+3", "@SUM(A1)", "Zwischenbericht"]


def _rows(content: bytes) -> tuple[str, list[list[str]]]:
    text = content.decode("utf-8")
    return text[:1], list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


@pytest.fixture
def reports(grant: Any, officer: User) -> Any:
    for days, title in enumerate(TITLES, start=1):
        services.report_schedule(
            grant=grant, actor=officer, title=title, due_on=dt.date(2027, 1, days)
        )
    return grant


def test_schedule_csv_neutralises_formulas_tabs_and_carriage_returns(
    reports: Any, officer: User
) -> None:
    client = Client()
    client.force_login(officer)

    first, rows = _rows(client.get("/en/programme/schedule.csv").content)

    titles = [row[3] for row in rows if row[2] == "report"]
    assert (first, titles) == ("\ufeff", ["'" + title for title in TITLES[:4]] + TITLES[4:])


def test_board_csv_on_the_api_starts_with_a_byte_order_mark(grant: Any, officer: User) -> None:
    _token, key = api_token_create(user=officer, name="test")
    year = grant.application.round.year

    response = Client().get(
        f"/api/v1/programme/rounds/{year}/board.csv", headers={"Authorization": f"Bearer {key}"}
    )

    first, rows = _rows(response.content)
    assert (response.status_code, first, rows[0][:3]) == (
        200,
        "\ufeff",
        ["rank", "cluster", "state"],
    )
