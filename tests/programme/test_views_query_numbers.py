"""Numbers in the programme pages' query strings: `?round=²` once passed `str.isdigit()` and broke
`int()` (a 500 on the schedule, its SVG and its CSV). Any text now gives the page (a known round or
none), 404 (a year without a round) or 400 naming the parameter; never 5xx."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clusterbridge.accounts.models import User
from clusterbridge.common.params import parse_int

pytestmark = pytest.mark.django_db

SCHEDULE = ("/en/programme/schedule/", "/en/programme/schedule.svg", "/en/programme/schedule.csv")


def _expected_status(text: str, years: set[int]) -> int:
    """What a page answers for `?round=<text>`, decided without the code under test's parser
    where that is possible: Python's own int() for plain numbers."""
    if "\x00" in text:
        return 400  # refused before any view (tests/web/test_hostile_input.py)
    if not text.strip():
        return 200
    try:
        year = int(text)
    except ValueError:
        year = parse_int(text)  # "12.0" is twelve to a form field too
        if year is None:
            return 400
    if not 1 <= year <= 9999:
        return 400
    return 200 if year in years else 404


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.sampled_from(SCHEDULE), text=st.text(max_size=12))
@example(path=SCHEDULE[0], text="²")
@example(path=SCHEDULE[1], text="²")
@example(path=SCHEDULE[2], text="²")
@example(path=SCHEDULE[0], text="①")
@example(path=SCHEDULE[0], text="99999999999999999999")
@example(path=SCHEDULE[0], text="-2015")
def test_schedule_round_any_text_answers_page_404_or_400(grant: Any, path: str, text: str) -> None:
    years = {grant.application.round.year}

    response = Client().get(path, {"round": text})

    assert response.status_code == _expected_status(text, years)


def test_schedule_round_superscript_is_a_400_naming_the_parameter(grant: Any) -> None:
    response = Client().get("/en/programme/schedule/?round=%C2%B2")

    assert (response.status_code, response["Content-Type"]) == (400, "text/html; charset=utf-8")
    assert "The parameter “round” is not valid: Enter a whole number." in response.content.decode()


def test_schedule_known_round_still_filters(grant: Any) -> None:
    year = grant.application.round.year

    response = Client().get(f"/en/programme/schedule/?round={year}")

    assert (response.status_code, response.context["round"].year) == (200, year)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(["/en/programme/office/audit/?page=", "assignments"]),
    text=st.text(max_size=12),
)
@example(path="/en/programme/office/audit/?page=", text="99999999999999999999")
@example(path="assignments", text="²")
def test_office_page_numbers_never_5xx(
    officer: User, open_round: Any, path: str, text: str
) -> None:
    client = Client()
    client.force_login(officer)
    if path == "assignments":
        url, name = f"/en/programme/office/rounds/{open_round.year}/assignments/", "per"
        low, high = 1, 10
    else:
        url, name, low, high = path.partition("?")[0], "page", 1, 1_000_000

    response = client.get(url, {name: text})

    number = parse_int(text, min_value=low, max_value=high)
    valid = text.strip() == "" or number is not None
    assert response.status_code == (200 if valid and "\x00" not in text else 400)
