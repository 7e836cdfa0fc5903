from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from clusterbridge.clusters.models import Cluster
from clusterbridge.matching import selectors


@pytest.mark.django_db
def test_partner_page_lists_ranked_candidates_with_explanations(
    client: Client, pair: dict[str, Cluster]
) -> None:
    response = client.get("/en/matching/leicht-de/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Composites France") < html.index("Crash Lab France")
    assert "which matches what Leichtbau Nord seeks" in html
    assert 'aria-labelledby="part-1-offers_sought"' in html


@pytest.mark.django_db
def test_partner_page_filter_by_country_narrows(client: Client, pair: dict[str, Cluster]) -> None:
    response = client.get("/en/matching/leicht-de/?country=ES")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Composites France" not in html.split('id="match-results"')[1]
    assert "No partner abroad fits these filters." in html


@pytest.mark.django_db
def test_partner_page_bad_filter_is_400_with_message(
    client: Client, pair: dict[str, Cluster]
) -> None:
    response = client.get("/en/matching/leicht-de/?limit=500")

    assert response.status_code == 400
    assert "The number of partners must be between 1 and 100." in response.content.decode()


@pytest.mark.django_db
def test_partner_page_unknown_cluster_is_404(client: Client) -> None:
    assert client.get("/en/matching/nobody/").status_code == 404


@pytest.mark.django_db
def test_partner_page_in_german(client: Client, pair: dict[str, Cluster]) -> None:
    html = client.get("/de/matching/leicht-de/").content.decode()

    assert "Partner finden für Leichtbau Nord" in html


@pytest.mark.django_db
def test_partner_csv_has_header_and_rows(client: Client, pair: dict[str, Cluster]) -> None:
    response = client.get("/en/matching/leicht-de/partners.csv?limit=2")

    lines = response.content.decode("utf-8-sig").splitlines()  # the mark: test_csv.py
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert lines[0] == (
        "rank,slug,name,country,score,shared_domain,offers_sought,sought_offered,"
        "value_chain,feasibility,sameness,explanation"
    )
    assert lines[1].startswith("1,composites-fr,Composites France,FR,")
    assert len(lines) == 3


@pytest.mark.django_db
def test_partner_page_without_competences_explains_what_to_fill_in(
    client: Client, make_cluster: Callable[..., Cluster]
) -> None:
    make_cluster(slug="empty", competences_offered=[], competences_sought=[])

    html = client.get("/en/matching/empty/").content.decode()

    assert "What matchmaking needs" in html
    assert "This profile lists no competences yet" in html


@pytest.mark.django_db
def test_profile_page_shows_panel_with_links(client: Client, pair: dict[str, Cluster]) -> None:
    html = client.get("/en/clusters/leicht-de/").content.decode()

    assert "Best complementary partners abroad" in html
    assert 'href="/en/clusters/composites-fr/"' in html
    assert 'href="/en/matching/leicht-de/"' in html


@pytest.mark.django_db
def test_partner_page_links_contact_request_for_each_candidate(
    client: Client, pair: dict[str, Cluster]
) -> None:
    html = client.get("/en/matching/leicht-de/").content.decode()

    assert 'href="/en/cooperation/leicht-de/contact/composites-fr/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 2])
def test_partner_page_query_count_does_not_grow_with_candidates(
    client: Client,
    pair: dict[str, Cluster],
    make_cluster: Callable[..., Cluster],
    django_assert_num_queries: Callable[..., object],
    extra: int,
) -> None:
    for n in range(extra):
        make_cluster(
            slug=f"more-{n}",
            country="NL",
            region="",
            technology_fields=["lightweight-construction"],
        )
    selectors.landscape_get()

    # The same count whatever the number of candidates: the ranking reads the index.
    with django_assert_num_queries(6):  # type: ignore[attr-defined]
        response = client.get("/en/matching/leicht-de/")

    assert response.status_code == 200


def _part(html: str, rank: int, name: str) -> str:
    """The score-part row `name` of the candidate at `rank`: its class and its effect."""
    found = re.search(
        rf'<div class="([^"]*)">\s*<dt id="part-{rank}-{name}">.*?'
        r'<span class="match-effect">(.*?)</span>',
        html,
        re.S,
    )
    assert found is not None
    return f"{found[1]} | {found[2]}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "gain", "penalty", "legend"),
    [
        (
            "en",
            "match-part match-part-gain | adds 0.28 to the score",
            "match-part match-part-penalty | lowers the score by 0.33",
            "more sameness lowers the score",
        ),
        (
            "de",
            "match-part match-part-gain | trägt 0,28 zum Wert bei",
            "match-part match-part-penalty | senkt den Wert um 0,33",
            "Mehr Gleichartigkeit senkt den Wert",
        ),
    ],
)
def test_partner_page_draws_sameness_as_a_penalty_that_lowers_the_score(
    client: Client, pair: dict[str, Cluster], language: str, gain: str, penalty: str, legend: str
) -> None:
    html = client.get(f"/{language}/matching/leicht-de/").content.decode()

    # Rank 2 is the competitor: it offers what Leichtbau Nord offers (sameness 1.0).
    assert _part(html, 2, "shared_domain") == gain
    assert _part(html, 2, "sameness") == penalty
    assert html.count("match-part match-part-penalty") == html.count('class="match"')
    assert legend in html
