"""Reads: the selection board's ranking and warnings, conflict detection, visibility, CSV."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster
from clusterbridge.programme import figures, selectors, services
from clusterbridge.programme.enums import ConflictSource
from clusterbridge.programme.models import Application, ReviewCriterion, Round
from tests.programme.conftest import budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(
    make_application: Callable[..., Application],
    make_cluster: Any,
    make_user: Any,
) -> list[Application]:
    """Three submitted sketches of three clusters, requesting 2.0, 3.0 and 1.0 million."""
    applications = [make_application()]
    for slug, name, implementation in (("b-de", "B DE", "2500000"), ("c-de", "C DE", "500000")):
        cluster = make_cluster(slug=slug, name=name)
        manager = make_user()
        cluster.managers.add(manager)
        applications.append(
            make_application(
                cluster=cluster, actor=manager, lines=budget(implementation=implementation)
            )
        )
    return applications


def _review(
    application: Application,
    juror: User,
    officer: User,
    criteria: list[ReviewCriterion],
    a: int,
    b: int,
) -> None:
    services.assignment_create(application=application, juror=juror, actor=officer)
    services.review_submit(
        application=application,
        juror=juror,
        scores={criteria[0].pk: a, criteria[1].pk: b},
        no_conflict_declared=True,
    )


def test_selection_board_ranks_by_mean_with_spread_and_running_total(
    three: list[Application],
    officer: User,
    make_juror: Callable[..., User],
    criteria: list[ReviewCriterion],
    open_round: Round,
) -> None:
    first, second, _third = three
    x, y = make_juror(username="x"), make_juror(username="y")
    _review(first, x, officer, criteria, 6, 6)  # 60
    _review(first, y, officer, criteria, 9, 0)  # 60
    _review(second, x, officer, criteria, 10, 10)  # 100
    _review(second, y, officer, criteria, 7, 4)  # 60

    board = selectors.selection_board(round=open_round)

    assert [
        (r.rank, r.application.cluster.name, r.review_count, r.mean, r.minimum, r.maximum, r.std)
        for r in board.rows
    ] == [
        (1, "B DE", 2, Decimal("80.00"), Decimal("60.00"), Decimal("100.00"), Decimal("20.00")),
        (
            2,
            "Photonics DE",
            2,
            Decimal("60.00"),
            Decimal("60.00"),
            Decimal("60.00"),
            Decimal("0.00"),
        ),
        (3, "C DE", 0, None, None, None, None),
    ]
    assert [(r.requested_eur, r.running_total_eur, r.within_budget) for r in board.rows] == [
        (Decimal("3000000.00"), Decimal("3000000.00"), True),
        (Decimal("2000000.00"), Decimal("5000000.00"), True),
        (Decimal("1000000.00"), Decimal("6000000.00"), True),
    ]
    assert board.rows[0].spread == Decimal("40.00")
    assert (board.selection.listed, board.warnings) == (0, [])


def test_selection_board_query_count_is_fixed(
    three: list[Application], open_round: Round, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        board = selectors.selection_board(round=open_round)

    assert len(board.rows) == 3


def test_selection_board_for_refuses_non_officers(open_round: Round, applicant: User) -> None:
    with pytest.raises(PermissionDenied):
        selectors.selection_board_for(applicant, round=open_round)


def test_selection_board_csv_neutralises_formulas(
    make_application: Callable[..., Application],
    make_cluster: Any,
    make_user: Any,
    open_round: Round,
) -> None:
    cluster = make_cluster(slug="evil", name="=HYPERLINK(1)")
    manager = make_user()
    cluster.managers.add(manager)
    make_application(cluster=cluster, actor=manager)
    out = io.StringIO()

    rows = selectors.selection_board_csv(selectors.selection_board(round=open_round), out)

    assert rows == 1
    assert out.getvalue().splitlines()[1].split(",")[1] == "'=HYPERLINK(1)"


def test_conflicts_detected_for_manager_of_partner(
    submitted: Application, partner_cluster: Cluster, make_juror: Callable[..., User]
) -> None:
    juror = make_juror()
    partner_cluster.managers.add(juror)

    conflicts = selectors.conflicts_for(juror=juror, application=submitted)

    assert [(c.source, c.detail) for c in conflicts] == [
        (ConflictSource.MANAGER, "manages Photonique FR")
    ]


def test_conflicts_detected_for_partner_management_organisation(
    submitted: Application, make_juror: Callable[..., User]
) -> None:
    juror = make_juror(organisation="pôle photonique")

    conflicts = selectors.conflicts_for(juror=juror, application=submitted)

    assert [(c.source, c.detail) for c in conflicts] == [
        (ConflictSource.ORGANISATION, "Pôle Photonique runs Photonique FR")
    ]


def test_no_conflict_for_unrelated_organisation(
    submitted: Application, make_juror: Callable[..., User]
) -> None:
    assert (
        selectors.conflicts_for(juror=make_juror(organisation="Elsewhere"), application=submitted)
        == []
    )


def test_applications_visible_to_officer_excludes_drafts(
    make_application: Callable[..., Application], officer: User, applicant: User, open_round: Round
) -> None:
    draft = make_application(submit=False)
    services.application_withdraw(application=draft, actor=applicant)

    assert list(selectors.applications_visible_to(officer, round=open_round)) == []
    assert list(selectors.applications_visible_to(applicant, round=open_round)) == [draft]


def test_applications_visible_to_query_count_for_juror(
    three: list[Application],
    officer: User,
    juror: User,
    open_round: Round,
    django_assert_max_num_queries: Any,
) -> None:
    for application in three:
        services.assignment_create(application=application, juror=juror, actor=officer)

    with django_assert_max_num_queries(10):
        visible = list(selectors.applications_visible_to(juror, round=open_round))
        [figures.application_requested_eur(application) for application in visible]

    assert len(visible) == 3


def test_weighted_total_none_until_every_criterion_scored(
    criteria: list[ReviewCriterion],
) -> None:
    assert selectors.weighted_total(criteria=criteria, scores={criteria[0].pk: 5}) is None
    assert selectors.weighted_total(
        criteria=criteria, scores={criteria[0].pk: 10, criteria[1].pk: 10}
    ) == Decimal("100.00")


def test_outline_and_project_are_found_only_by_those_who_may_see_the_grant(
    grant: Any, applicant: User, officer: User, other_manager: User
) -> None:
    from django.http import Http404

    outline = services.outline_submit(grant=grant, actor=applicant, title="Laser", summary="S")
    services.outline_decide(outline=outline, actor=officer, approve=True, justification="Good")
    project = services.project_create(outline=outline, actor=applicant)

    assert selectors.outline_get_visible(applicant, pk=outline.pk) == outline
    assert selectors.project_get_visible(officer, pk=project.pk) == project
    with pytest.raises(Http404, match=r"^No such project outline\.$"):
        selectors.outline_get_visible(other_manager, pk=outline.pk)
    with pytest.raises(Http404, match=r"^No such project\.$"):
        selectors.project_get_visible(other_manager, pk=project.pk)
