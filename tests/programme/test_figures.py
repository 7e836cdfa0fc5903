"""The programme's figures: one selector each, and every page and endpoint that shows a figure
says the same, with the reason beside it where two figures differ (announced vs. named
selections, the round's own target vs. the programme's, unknown requests vs. grants)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from clusterbridge.accounts.enums import Role
from clusterbridge.accounts.models import User
from clusterbridge.accounts.services import api_token_create, user_grant_role
from clusterbridge.clusters.models import Cluster
from clusterbridge.demo.services import demo_load
from clusterbridge.programme import figures, services
from clusterbridge.programme.enums import ApplicationState
from clusterbridge.programme.figures import SelectionCount, SelectionMoney, Target
from clusterbridge.programme.models import Application, FundingProgramme, Grant, Round

pytestmark = pytest.mark.django_db


def _text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, entities decoded, spaces joined."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _definition(page: str, term: str) -> str:
    found = re.search(rf"<dt>{re.escape(term)}</dt><dd>(.*?)</dd>", page, re.S)
    assert found is not None, term
    return _text(found.group(1))


def _recorded_selection(
    round: Round, cluster: Cluster, *, inferred: bool = False, grant_eur: str = ""
) -> Application:
    """A selection recorded from the sources, as the demo loader records it: approved, no
    planned budget (never published), and perhaps a sample grant."""
    application = Application.objects.create(
        round=round,
        cluster=cluster,
        state=ApplicationState.APPROVED,
        selection_inferred=inferred,
    )
    if grant_eur:
        Grant.objects.create(
            application=application,
            amount_eur=Decimal(grant_eur),
            starts_on=dt.date(round.year, 7, 1),
            ends_on=dt.date(round.year + 4, 12, 31),
            german_funding_rate=Decimal("0.5"),
            is_sample=True,
        )
    return application


def test_round_target_is_the_programmes_where_the_round_sets_none(
    programme: FundingProgramme, officer: User
) -> None:
    own = services.round_create(programme=programme, actor=officer, year=2030, target_selected=3)
    inherited = services.round_create(programme=programme, actor=officer, year=2031)

    assert (figures.round_target(own), figures.round_target(inherited)) == (
        Target(value=3, own=True),
        Target(value=10, own=False),
    )


def test_round_selection_count_keeps_announced_and_named_apart(
    programme: FundingProgramme, officer: User, make_cluster: Callable[..., Cluster]
) -> None:
    round = services.round_create(programme=programme, actor=officer, year=2016)
    Round.objects.filter(pk=round.pk).update(selected_published=11)
    round.refresh_from_db()
    _recorded_selection(round, make_cluster(slug="a", name="A"))
    _recorded_selection(round, make_cluster(slug="b", name="B"), inferred=True)

    count = figures.round_selection_count(round=round)

    assert (count, count.value, count.differs) == (
        SelectionCount(announced=11, listed=2, inferred=1),
        11,
        True,
    )


def test_selection_money_counts_grants_apart_from_unknown_requests(
    programme: FundingProgramme,
    officer: User,
    make_cluster: Callable[..., Cluster],
    submitted: Application,
) -> None:
    round = services.round_create(programme=programme, actor=officer, year=2015)
    first = _recorded_selection(round, make_cluster(slug="a", name="A"), grant_eur="4000000")
    second = _recorded_selection(round, make_cluster(slug="b", name="B"), grant_eur="4000000")

    money = figures.selection_money([first, second])

    assert (figures.application_requested_eur(first), money) == (
        None,
        SelectionMoney(
            requested_eur=None,
            unknown_requests=2,
            granted_eur=Decimal("8000000"),
            grants=2,
            grants_sample=True,
        ),
    )
    assert figures.application_requested_eur(submitted) == Decimal("2000000")


def test_round_form_says_an_empty_target_means_the_programmes(
    open_round: Round, officer: User
) -> None:
    client = Client()
    client.force_login(officer)

    page = client.get(f"/en/programme/office/rounds/{open_round.year}/").content.decode()

    found = re.search(r'<p class="help" id="id_target_selected_helptext">(.*?)</p>', page)
    assert found is not None
    assert _text(found.group(1)) == "Leave empty to use the programme's target per round (10)."


def test_demo_pages_and_api_give_each_figure_once_with_the_reason_it_differs(
    client: Client, make_user: Callable[..., Any]
) -> None:
    demo_load()
    officer = make_user(username="anna", first_name="Anna", last_name="Officer")
    user_grant_role(user=officer, role=Role.PROGRAMME_OFFICER)
    _token, raw = api_token_create(user=officer, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    office = Client()
    office.force_login(officer)

    home = client.get("/en/programme/").content.decode()
    round_page = client.get("/en/programme/rounds/2016/").content.decode()
    board = office.get("/en/programme/office/rounds/2015/board/").content.decode()
    board_api = json.loads(client.get("/api/v1/programme/rounds/2015/board", **auth).content)
    rounds_api = json.loads(client.get("/api/v1/programme/rounds").content)

    cells = {
        int(year): _text(re.findall(r"<td>(.*?)</td>", row, re.S)[3])
        for year, row in re.findall(
            r'<th scope="row"><a href="/en/programme/rounds/\d+/">(\d+)</a></th>(.*?)</tr>',
            home,
            re.S,
        )
    }
    assert cells == {
        2015: "11 selected (announced); 7 named in the sources",
        2016: "11 selected (announced); 8 named in the sources (1 of them only inferred)",
        2017: "10 selected (announced); 6 named in the sources (2 of them only inferred)",
    }
    assert 'named in <a href="#sources">the sources</a>' in home
    assert round_page.count('<h2 id="sources">') == 1
    assert "<title>Round 2016 " in round_page
    assert _definition(round_page, "Clusters selected") == cells[2016]
    assert _definition(round_page, "Clusters to select (target)") == (
        "10 (the programme's target per round; this round sets none of its own)"
    )
    stats = re.search(r'<ul class="stats">(.*?)</ul>', board, re.S)
    assert stats is not None
    assert [_text(item) for item in re.findall(r"<li>(.*?)</li>", stats.group(1), re.S)] == [
        "7 selected here, target 10 (the programme's target per round)",
        cells[2015],
        "unknown EUR requested by the selected (7 selected applications record no planned budget)",
        "28,000,000 EUR granted to the selected, in 7 grants sample data",
    ]
    assert (
        board_api["target"],
        board_api["selected_count"],
        board_api["selected_eur"],
        {(row["requested_eur"], row["running_total_eur"]) for row in board_api["rows"]},
    ) == (10, 7, None, {(None, None)})
    assert [(item["year"], item["target"], item["selected_published"]) for item in rounds_api] == [
        (2015, 10, 11),
        (2016, 10, 11),
        (2017, 10, 10),
    ]
