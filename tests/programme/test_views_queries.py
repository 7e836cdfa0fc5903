"""Query budgets of the programme's list pages: the count must not grow with the rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster
from clusterbridge.programme import services
from clusterbridge.programme.models import Application, Round
from tests.programme.conftest import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(
    make_application: Callable[..., Application],
    make_cluster: Callable[..., Cluster],
    applicant: User,
) -> Callable[[int], list[Application]]:
    """`n` submitted sketches of `n` German clusters, all managed by the applicant."""

    def make(n: int) -> list[Application]:
        made = []
        for _index in range(n):
            cluster = make_cluster(management_organisation="")
            cluster.managers.add(applicant)
            made.append(make_application(cluster=cluster))
        return made

    return make


def _queries(user: User, url: str) -> int:
    client = Client()
    client.force_login(user)
    client.get(url)  # warm caches that do not depend on the rows (session, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_my_applications_queries_do_not_grow_with_rows(
    many: Callable[[int], list[Application]], applicant: User
) -> None:
    many(1)
    one = _queries(applicant, "/en/programme/applications/")
    many(2)

    assert _queries(applicant, "/en/programme/applications/") == one


def test_reviews_list_queries_do_not_grow_with_rows(
    many: Callable[[int], list[Application]], juror: User, officer: User
) -> None:
    def assign(applications: list[Application]) -> None:
        for application in applications:
            services.assignment_create(application=application, juror=juror, actor=officer)

    assign(many(1))
    one = _queries(juror, "/en/programme/reviews/")
    assign(many(2))

    assert _queries(juror, "/en/programme/reviews/") == one


def test_selection_board_queries_do_not_grow_with_rows(
    many: Callable[[int], list[Application]], officer: User, open_round: Round
) -> None:
    url = f"/en/programme/office/rounds/{open_round.year}/board/"
    many(1)
    one = _queries(officer, url)
    many(2)

    assert _queries(officer, url) == one


def test_grant_list_and_schedule_queries_do_not_grow_with_rows(
    many: Callable[[int], list[Application]], officer: User, applicant: User
) -> None:
    for application in many(1):
        approve(application, officer, applicant)
    one = {
        url: _queries(officer, url) for url in ("/en/programme/grants/", "/en/programme/schedule/")
    }
    for application in many(2):
        approve(application, officer, applicant)

    three = {url: _queries(officer, url) for url in one}

    assert three == one


def test_programme_page_queries_do_not_grow_with_selected_clusters(
    many: Callable[[int], list[Application]], officer: User, open_round: Round
) -> None:
    def recommend(applications: list[Application]) -> None:
        for application in applications:
            services.application_transition(
                application=application, to="recommended", actor=officer, justification="ok"
            )

    recommend(many(1))
    one = _queries(officer, "/en/programme/")
    recommend(many(2))

    assert _queries(officer, "/en/programme/") == one


def test_audit_log_queries_do_not_grow_with_entries(
    many: Callable[[int], list[Application]], officer: User
) -> None:
    many(1)
    one = _queries(officer, "/en/programme/office/audit/")
    many(2)

    assert _queries(officer, "/en/programme/office/audit/") == one
