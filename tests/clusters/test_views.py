from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from clusterbridge.clusters.models import Cluster

pytestmark = pytest.mark.django_db


def test_cluster_list_shows_clusters_with_country_names(
    client: Client, make_cluster: Callable[..., Cluster]
) -> None:
    make_cluster(name="Photonics Network", slug="photonics-network")
    make_cluster(name="Aerospace Valley", slug="aerospace-valley", country="FR", region="")

    response = client.get("/en/clusters/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Photonics Network" in html
    assert "France" in html
    assert "2 clusters" in html


def test_cluster_list_filters_or_within_and_across(
    client: Client, make_cluster: Callable[..., Cluster]
) -> None:
    make_cluster(slug="de-photonics", name="DE Photonics")
    make_cluster(slug="fr-photonics", name="FR Photonics", country="FR", region="")
    make_cluster(
        slug="fr-auto", name="FR Auto", country="FR", region="", technology_fields=["automotive"]
    )
    make_cluster(
        slug="es-auto", name="ES Auto", country="ES", region="", technology_fields=["automotive"]
    )

    response = client.get("/en/clusters/?country=FR&country=ES&field=automotive")

    names = [c.name for c in response.context["page"].object_list]
    assert names == ["ES Auto", "FR Auto"]


def test_cluster_list_unknown_filter_value_is_400_with_message(client: Client) -> None:
    response = client.get("/en/clusters/?country=XX")

    assert response.status_code == 400
    assert "Unknown country code: XX" in response.content.decode()


def test_cluster_list_htmx_returns_results_fragment(
    client: Client, make_cluster: Callable[..., Cluster]
) -> None:
    make_cluster(name="Fragment Cluster")

    response = client.get("/en/clusters/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "Fragment Cluster" in html
    assert "<html" not in html


@pytest.mark.parametrize("clusters", [1, 3])
def test_cluster_list_query_count_is_constant(
    client: Client,
    make_cluster: Callable[..., Cluster],
    django_assert_num_queries: Any,
    clusters: int,
) -> None:
    for _ in range(clusters):
        make_cluster()
    client.get("/en/clusters/")  # warm caches such as the session and content types

    # count, page, fields of the page's clusters, the field list (facet counts are cached)
    with django_assert_num_queries(4):
        response = client.get("/en/clusters/")

    assert len(response.context["page"].object_list) == clusters


def test_cluster_detail_shows_profile_and_sources(
    client: Client, make_cluster: Callable[..., Cluster]
) -> None:
    cluster = make_cluster(
        name="Medical Valley",
        slug="medical-valley",
        sources=["https://example.org/about"],
        competences_offered=[],
        member_counts={"sme": 120, "university": 4},
    )

    response = client.get("/en/clusters/medical-valley/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Medical Valley</h1>" in html
    assert 'href="https://example.org/about"' in html
    assert "Bavaria" in html
    assert response.context["member_mix"][0]["count"] == 120
    assert '"@type": "Organization"' in html
    assert cluster.get_absolute_url() == "/en/clusters/medical-valley/"


@pytest.mark.parametrize("members", [0, 3])
def test_cluster_detail_query_count_is_constant(
    client: Client,
    make_cluster: Callable[..., Cluster],
    django_assert_num_queries: Any,
    members: int,
) -> None:
    counts = dict(list({"sme": 5, "university": 2, "start-up": 1}.items())[:members])
    make_cluster(slug="counted", member_counts=counts)
    client.get("/en/clusters/counted/")

    # 9 for the profile, 1 for whether it is claimed, 1 for its partnerships; matchmaking's
    # panel is served from the cache.
    with django_assert_num_queries(11):
        client.get("/en/clusters/counted/")


def test_cluster_detail_in_german_notes_missing_translation(
    client: Client, make_cluster: Callable[..., Cluster]
) -> None:
    make_cluster(slug="english-only", description_en="Only English here.", description_de="")

    response = client.get("/de/clusters/english-only/")

    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Noch keine deutsche Beschreibung" in html
    assert '<p lang="en">Only English here.</p>' in html


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Page not found"), ("de", "Seite nicht gefunden")]
)
def test_cluster_detail_unknown_slug_is_404_in_language(
    client: Client, language: str, title: str
) -> None:
    response = client.get(f"/{language}/clusters/no-such-cluster/")

    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in response.content.decode()


def test_cluster_detail_escapes_names(client: Client, make_cluster: Callable[..., Cluster]) -> None:
    make_cluster(slug="xss", name="<script>alert(1)</script>")

    html = client.get("/en/clusters/xss/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_cluster_edit_requires_login(client: Client, make_cluster: Callable[..., Cluster]) -> None:
    make_cluster(slug="locked")

    response = client.get("/en/clusters/locked/edit/")

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/clusters/locked/edit/"


def test_cluster_edit_by_other_manager_is_forbidden_and_changes_nothing(
    client: Client, make_cluster: Callable[..., Cluster], make_user: Callable[..., Any]
) -> None:
    own = make_cluster(slug="own")
    other = make_cluster(slug="other", name="Other")
    manager = make_user()
    own.managers.add(manager)
    client.force_login(manager)

    response = client.post("/en/clusters/other/edit/", {"name": "Hijacked"})

    assert response.status_code == 403
    other.refresh_from_db()
    assert other.name == "Other"


def test_cluster_edit_invalid_input_keeps_what_was_typed(
    client: Client, make_cluster: Callable[..., Cluster], make_user: Callable[..., Any]
) -> None:
    cluster = make_cluster(slug="mine", name="Mine")
    manager = make_user()
    cluster.managers.add(manager)
    client.force_login(manager)

    response = client.post(
        "/en/clusters/mine/edit/",
        {
            "name": "Renamed",
            "members_approx": "-3",
            "description_en": "Typed text stays.",
            "competences_sought": "lasers",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Typed text stays." in html
    assert 'value="Renamed"' in html
    assert "Ensure this value is greater than or equal to 0." in html
    cluster.refresh_from_db()
    assert cluster.name == "Mine"


def test_cluster_edit_by_manager_saves(
    client: Client, make_cluster: Callable[..., Cluster], make_user: Callable[..., Any]
) -> None:
    cluster = make_cluster(slug="mine", name="Mine")
    manager = make_user()
    cluster.managers.add(manager)
    client.force_login(manager)

    response = client.post(
        "/en/clusters/mine/edit/",
        {
            "name": "Mine Renamed",
            "website": "example.org",
            "technology_fields": [],
            "competences_offered": "laser optics\nlaser optics\n",
            "competences_sought": "",
        },
    )

    assert response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.name == "Mine Renamed"
    assert cluster.website == "https://example.org"
    assert list(cluster.competences.values_list("phrase", flat=True)) == ["laser optics"]
