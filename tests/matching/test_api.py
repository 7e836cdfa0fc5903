from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from clusterbridge.clusters.models import Cluster
from clusterbridge.matching import selectors


@pytest.mark.django_db
def test_api_partners_lists_complement_with_parts_and_explanation(
    client: Client, pair: dict[str, Cluster]
) -> None:
    response = client.get("/api/v1/clusters/leicht-de/partners?limit=1&lang=en")

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 1
    partner = body["partners"][0]
    assert partner["slug"] == "composites-fr"
    assert set(partner["parts"]) == {
        "shared_domain",
        "offers_sought",
        "sought_offered",
        "value_chain",
        "feasibility",
        "sameness",
    }
    assert partner["explanation"][0] == (
        "Composites France offers “recycling of carbon fibres”, which matches what "
        "Leichtbau Nord seeks: “Carbonfaser-Recycling”."
    )


@pytest.mark.django_db
def test_api_partners_explanation_in_german(client: Client, pair: dict[str, Cluster]) -> None:
    body = client.get("/api/v1/clusters/leicht-de/partners?limit=1&lang=de").json()

    assert body["partners"][0]["explanation"][0] == (
        "Composites France bietet „recycling of carbon fibres“, passend zu dem, was "
        "Leichtbau Nord sucht: „Carbonfaser-Recycling“."
    )


@pytest.mark.django_db
def test_api_partners_unknown_slug_is_problem_404(client: Client) -> None:
    response = client.get("/api/v1/clusters/nobody/partners")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=1000", "limit=abc", "country=XX", "field=nonsense", "kind=castle"],
)
def test_api_partners_absurd_filters_are_422(
    client: Client, pair: dict[str, Cluster], query: str
) -> None:
    response = client.get(f"/api/v1/clusters/leicht-de/partners?{query}")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_api_partners_without_competences_explains(
    client: Client, make_cluster: Callable[..., Cluster]
) -> None:
    make_cluster(slug="empty", competences_offered=[], competences_sought=[])

    body = client.get("/api/v1/clusters/empty/partners").json()

    assert body["partners"] == []
    assert body["missing"] == ["competences"]
    assert body["message"][0].startswith("Matchmaking compares what clusters offer and seek.")


@pytest.mark.django_db
def test_api_partners_query_count_is_fixed_once_index_is_built(
    client: Client, pair: dict[str, Cluster], django_assert_num_queries: Callable[..., object]
) -> None:
    selectors.landscape_get()

    # the cluster (1), the index's fingerprint: cluster and competence counts (2)
    with django_assert_num_queries(3):  # type: ignore[attr-defined]
        response = client.get("/api/v1/clusters/leicht-de/partners?limit=3")

    assert response.status_code == 200
