"""Officers' pages for a new round and a grant's funding rate: who may use them, what they
write (with an audit entry), and refusals that name the rule, keep the input and change
nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from clusterbridge.accounts.models import User
from clusterbridge.audit.models import AuditEntry
from clusterbridge.programme.models import FundingProgramme, Grant, Round

pytestmark = pytest.mark.django_db

NEW = "/en/programme/office/rounds/new/"


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _text(response: Any) -> str:
    return response.content.decode()


def _round_post(**overrides: str) -> dict[str, str]:
    data = {
        "year": "2031",
        "call_opens": "2031-02-01",
        "call_closes": "2031-04-30",
        "review_starts": "2031-05-01",
        "review_ends": "2031-06-30",
        "decision_date": "2031-07-15",
        "budget_eur": "12000000",
        "target_selected": "3",
    }
    data.update(overrides)
    return data


def test_office_links_to_a_new_round(programme: FundingProgramme, officer: User) -> None:
    text = _text(_client(officer).get("/en/programme/office/"))

    assert f'href="{NEW}"' in text
    assert "New round" in text


def test_round_create_by_officer_makes_the_round_with_an_audit_entry(
    programme: FundingProgramme, officer: User
) -> None:
    page = _client(officer).get(NEW)
    response = _client(officer).post(NEW, _round_post())

    round = Round.objects.get(programme=programme, year=2031)
    entry = AuditEntry.objects.get(action="programme.round.created")
    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == "/en/programme/office/rounds/2031/"
    assert (round.call_opens.isoformat(), round.call_closes.isoformat()) == (
        "2031-02-01",
        "2031-04-30",
    )
    assert (round.budget_eur, round.target_selected) == (Decimal("12000000.00"), 3)
    assert (entry.actor_id, entry.target_id) == (officer.pk, str(round.pk))


def test_round_create_with_only_a_year_leaves_the_rest_unknown(
    programme: FundingProgramme, officer: User
) -> None:
    response = _client(officer).post(NEW, {"year": "2032"})

    round = Round.objects.get(year=2032)
    assert response.status_code == 302
    assert (round.call_opens, round.call_closes, round.budget_eur) == (None, None, None)


@pytest.mark.parametrize("role", ["applicant", "juror", "other_manager"])
def test_round_create_refused_to_non_officers(
    role: str, request: pytest.FixtureRequest, programme: FundingProgramme
) -> None:
    user = request.getfixturevalue(role)

    page = _client(user).get(NEW)
    posted = _client(user).post(NEW, _round_post())

    assert (page.status_code, posted.status_code) == (403, 403)
    assert Round.objects.count() == 0
    assert AuditEntry.objects.filter(action="programme.round.created").count() == 0


def test_round_create_visitor_is_sent_to_login(programme: FundingProgramme) -> None:
    response = _client().post(NEW, _round_post())

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    assert Round.objects.count() == 0


def test_round_create_duplicate_year_is_refused_naming_the_rule(
    open_round: Round, officer: User
) -> None:
    before = AuditEntry.objects.filter(action="programme.round.created").count()

    response = _client(officer).post(NEW, _round_post(year=str(open_round.year)))

    text = _text(response)
    assert response.status_code == 400
    assert f"There is already a round in {open_round.year} (one round per year)." in text
    assert 'id="id_year_errors"' in text
    assert f'value="{open_round.year}"' in text
    assert 'value="12000000"' in text
    assert Round.objects.count() == 1
    assert AuditEntry.objects.filter(action="programme.round.created").count() == before


def test_round_create_dates_in_wrong_order_keep_input_and_change_nothing(
    programme: FundingProgramme, officer: User
) -> None:
    response = _client(officer).post(
        NEW, _round_post(call_opens="2031-05-01", call_closes="2031-04-01")
    )

    text = _text(response)
    assert response.status_code == 400
    assert "The end (2031-04-01) must not be before the start (2031-05-01)." in text
    assert 'id="id_call_closes_errors"' in text
    assert 'value="2031-04-01"' in text
    assert Round.objects.count() == 0
    assert AuditEntry.objects.filter(action="programme.round.created").count() == 0


def test_round_create_page_in_german(programme: FundingProgramme, officer: User) -> None:
    text = _text(_client(officer).get("/de/programme/office/rounds/new/"))

    assert "Neue Runde" in text
    assert "Runde anlegen" in text


def _rate_url(grant: Grant) -> str:
    return f"/en/programme/grants/{grant.pk}/funding-rate/"


def test_grant_funding_rate_form_changed_by_officer_with_an_audit_entry(
    grant: Grant, officer: User
) -> None:
    page = _text(_client(officer).get(f"/en/programme/grants/{grant.pk}/"))

    response = _client(officer).post(_rate_url(grant), {"rate-percent": "45.5"})

    grant.refresh_from_db()
    entry = AuditEntry.objects.get(action="programme.grant.funding_rate_changed")
    assert f'action="{_rate_url(grant)}"' in page
    assert response.status_code == 302
    assert response["Location"] == f"/en/programme/grants/{grant.pk}/"
    assert grant.german_funding_rate == Decimal("0.455")
    assert entry.actor_id == officer.pk


def test_grant_funding_rate_form_not_offered_or_accepted_from_holders(
    grant: Grant, applicant: User
) -> None:
    before = grant.german_funding_rate

    page = _text(_client(applicant).get(f"/en/programme/grants/{grant.pk}/"))
    response = _client(applicant).post(_rate_url(grant), {"rate-percent": "45"})

    grant.refresh_from_db()
    assert _rate_url(grant) not in page
    assert response.status_code == 403
    assert grant.german_funding_rate == before


@pytest.mark.parametrize("role", ["juror", "other_manager"])
def test_grant_funding_rate_form_others_do_not_see_the_grant(
    role: str, request: pytest.FixtureRequest, grant: Grant
) -> None:
    before = grant.german_funding_rate

    response = _client(request.getfixturevalue(role)).post(_rate_url(grant), {"rate-percent": "45"})

    grant.refresh_from_db()
    assert response.status_code == 404
    assert grant.german_funding_rate == before


@pytest.mark.parametrize("percent", ["150", "-5"])
def test_grant_funding_rate_form_out_of_range_names_the_rule(
    percent: str, grant: Grant, officer: User
) -> None:
    before = grant.german_funding_rate

    response = _client(officer).post(_rate_url(grant), {"rate-percent": percent})

    grant.refresh_from_db()
    text = _text(response)
    assert response.status_code == 400
    assert "A funding rate lies between 0 and 1 (0 to 100 percent)." in text
    assert 'id="id_rate-percent_errors"' in text
    assert f'value="{percent}"' in text
    assert grant.german_funding_rate == before
    assert AuditEntry.objects.filter(action="programme.grant.funding_rate_changed").count() == 0
