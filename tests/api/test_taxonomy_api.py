from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pycountry
import pytest
from django.test import Client

from clusterbridge.clusters.models import Cluster
from clusterbridge.taxonomy.models import Branch, MemberType, TechnologyField, ValueChainRole

pytestmark = pytest.mark.django_db

MakeCluster = Callable[..., Cluster]


def get_json(client: Client, path: str) -> Any:
    response = client.get(path)
    assert (response.status_code, response.headers["Content-Type"]) == (
        200,
        "application/json; charset=utf-8",
    ), response.content
    return response.json()


def test_taxonomy_fields_lists_every_field_with_both_labels_and_cluster_counts(
    client: Client, make_cluster: MakeCluster
) -> None:
    make_cluster(technology_fields=["photonics", "automotive"])
    make_cluster(technology_fields=["photonics"])

    body = get_json(client, "/api/v1/taxonomy/fields")

    photonics = TechnologyField.objects.select_related("branch").get(slug="photonics")
    by_slug = {row["slug"]: row for row in body}
    assert [row["slug"] for row in body] == sorted(
        TechnologyField.objects.values_list("slug", flat=True)
    )
    assert by_slug["photonics"] == {
        "slug": "photonics",
        "label_en": photonics.label_en,
        "label_de": photonics.label_de,
        "synonyms_en": photonics.synonyms_en,
        "synonyms_de": photonics.synonyms_de,
        "branch": photonics.branch.slug,
        "cluster_count": 2,
    }
    assert (by_slug["automotive"]["cluster_count"], by_slug["biotechnology"]["cluster_count"]) == (
        1,
        0,
    )
    assert [row["slug"] for row in body if not (row["label_en"] and row["label_de"])] == []


def test_taxonomy_fields_cost_one_query(
    client: Client, make_cluster: MakeCluster, django_assert_num_queries: Any
) -> None:
    make_cluster(technology_fields=["photonics", "automotive"])

    with django_assert_num_queries(1):
        client.get("/api/v1/taxonomy/fields")


def test_taxonomy_branches_count_clusters_per_branch(
    client: Client, make_cluster: MakeCluster
) -> None:
    make_cluster(branches=["optics-photonics"])

    body = get_json(client, "/api/v1/taxonomy/branches")

    branch = Branch.objects.get(slug="optics-photonics")
    assert [row for row in body if row["slug"] == "optics-photonics"] == [
        {
            "slug": "optics-photonics",
            "label_en": branch.label_en,
            "label_de": branch.label_de,
            "synonyms_en": branch.synonyms_en,
            "synonyms_de": branch.synonyms_de,
            "cluster_count": 1,
        }
    ]
    assert len(body) == Branch.objects.count()
    assert [row["slug"] for row in body if not (row["label_en"] and row["label_de"])] == []


def test_taxonomy_value_chain_roles_in_value_chain_order(client: Client) -> None:
    body = get_json(client, "/api/v1/taxonomy/value-chain-roles")

    assert [row["slug"] for row in body][:2] == ["research", "development"]
    assert body == [
        {
            "slug": role.slug,
            "label_en": role.label_en,
            "label_de": role.label_de,
            "description_en": role.description_en,
            "description_de": role.description_de,
            "position": role.position,
        }
        for role in ValueChainRole.objects.order_by("position")
    ]
    assert [row["slug"] for row in body if not (row["label_en"] and row["label_de"])] == []


def test_taxonomy_member_types_with_both_labels(client: Client) -> None:
    body = get_json(client, "/api/v1/taxonomy/member-types")

    assert body == [
        {"slug": t.slug, "label_en": t.label_en, "label_de": t.label_de, "position": t.position}
        for t in MemberType.objects.order_by("position")
    ]
    assert {"sme", "university"} <= {row["slug"] for row in body}
    assert [row["slug"] for row in body if not (row["label_en"] and row["label_de"])] == []


def test_taxonomy_countries_lists_only_countries_with_clusters(
    client: Client, make_cluster: MakeCluster
) -> None:
    make_cluster()
    make_cluster()
    make_cluster(country="FR", region="")

    body = get_json(client, "/api/v1/taxonomy/countries")

    assert body == [
        {"code": "DE", "name_en": "Germany", "name_de": "Deutschland", "cluster_count": 2},
        {"code": "FR", "name_en": "France", "name_de": "Frankreich", "cluster_count": 1},
    ]


def test_taxonomy_countries_all_lists_every_iso_country(
    client: Client, make_cluster: MakeCluster
) -> None:
    make_cluster(country="FR", region="")

    body = get_json(client, "/api/v1/taxonomy/countries?all=true")

    by_code = {row["code"]: row for row in body}
    assert len(body) == len(pycountry.countries)
    assert [by_code["AT"], by_code["FR"]] == [
        {"code": "AT", "name_en": "Austria", "name_de": "Österreich", "cluster_count": 0},
        {"code": "FR", "name_en": "France", "name_de": "Frankreich", "cluster_count": 1},
    ]
    assert [row["code"] for row in body if not (row["name_en"] and row["name_de"])] == []


def test_taxonomy_regions_lists_german_states_with_names_in_both_languages(
    client: Client,
) -> None:
    body = get_json(client, "/api/v1/taxonomy/regions?country=de")

    by_code = {row["code"]: row for row in body}
    assert len(body) == 16
    assert [by_code["DE-BY"], by_code["DE-BE"]] == [
        {
            "code": "DE-BY",
            "country": "DE",
            "type": "Land",
            "parent": "",
            "name": "Bayern",
            "name_en": "Bavaria",
            "name_de": "Bayern",
        },
        {
            "code": "DE-BE",
            "country": "DE",
            "type": "Land",
            "parent": "",
            "name": "Berlin",
            "name_en": "Berlin",
            "name_de": "Berlin",
        },
    ]


def test_taxonomy_regions_names_the_parent_of_nested_subdivisions(client: Client) -> None:
    body = get_json(client, "/api/v1/taxonomy/regions?country=FR")

    assert {row["parent"] for row in body if row["code"] == "FR-34"} == {"FR-OCC"}


@pytest.mark.parametrize(
    ("query", "message"),
    [("?country=XX", "Unknown country code: XX"), ("", "Field required")],
)
def test_taxonomy_regions_unknown_or_missing_country_is_422(
    client: Client, query: str, message: str
) -> None:
    response = client.get(f"/api/v1/taxonomy/regions{query}")

    assert (response.status_code, response.headers["Content-Type"]) == (
        422,
        "application/problem+json",
    )
    assert response.json() == {
        "type": "about:blank",
        "title": "Invalid request",
        "status": 422,
        "detail": "Some parameters are not valid.",
        "errors": [{"location": "query.country", "message": message}],
    }
