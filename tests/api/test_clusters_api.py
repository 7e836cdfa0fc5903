from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from clusterbridge.accounts.models import User
from clusterbridge.clusters.enums import ClusterKind
from clusterbridge.clusters.models import Cluster, Contact
from clusterbridge.clusters.records import COLUMNS, CompetenceRecord
from tests.api.conftest import http_request

pytestmark = pytest.mark.django_db

MakeCluster = Callable[..., Cluster]
MakeUser = Callable[..., User]
TokenFor = Callable[[User], str]

PROBLEM = "application/problem+json"


def list_row(
    slug: str,
    name: str,
    *,
    base: str = "http://testserver",
    country: str = "DE",
    country_name: str = "Germany",
    region: str = "DE-BY",
    fields: tuple[tuple[str, str], ...] = (("photonics", "Photonics"),),
) -> dict[str, Any]:
    """A list row as the API should show a cluster built with `make_cluster`'s defaults."""
    return {
        "slug": slug,
        "name": name,
        "acronym": "",
        "kind": "cluster",
        "kind_label": "Cluster or network",
        "country": country,
        "country_name": country_name,
        "region": region,
        "city": "München",
        "latitude": 48.14,
        "longitude": 11.58,
        "technology_fields": [{"slug": s, "label": label} for s, label in fields],
        "url": f"{base}/en/clusters/{slug}/",
        "api_url": f"{base}/api/v1/clusters/{slug}",
    }


def slugs_of(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def updated_at_json(cluster: Cluster) -> str:
    """The timestamp as the API writes it: UTC, milliseconds (if any), `Z`."""
    value = cluster.updated_at.astimezone(UTC)
    fraction = f".{value.microsecond // 1000:03d}" if value.microsecond else ""
    return value.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


# --- list over real HTTP ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_cluster_list_over_http_returns_page_envelope(
    live_server: LiveServer, make_cluster: MakeCluster
) -> None:
    make_cluster(slug="beta", name="Beta Cluster")
    make_cluster(
        slug="alpha",
        name="Alpha Cluster",
        country="FR",
        region="",
        technology_fields=["automotive", "photonics"],
    )

    result = http_request(live_server.url, "GET", "/api/v1/clusters")

    assert result.status == 200
    assert result.headers["content-type"] == "application/json; charset=utf-8"
    alpha = list_row(
        "alpha",
        "Alpha Cluster",
        base=live_server.url,
        country="FR",
        country_name="France",
        region="",
        fields=(("automotive", "Automotive"), ("photonics", "Photonics")),
    )
    assert result.json() == {
        "count": 2,
        "page": 1,
        "page_size": 20,
        "next": None,
        "previous": None,
        "results": [alpha, list_row("beta", "Beta Cluster", base=live_server.url)],
    }


@pytest.mark.django_db(transaction=True)
def test_cluster_detail_over_http_returns_whole_profile(
    live_server: LiveServer, make_cluster: MakeCluster
) -> None:
    cluster = make_cluster(
        slug="optics-valley",
        name="Optics Valley",
        acronym="OV",
        kind_original="Netzwerk",
        region_name="Oberbayern",
        website="https://optics.example",
        members_approx=120,
        management_organisation="Optics Valley e.V.",
        management_website="https://ev.optics.example",
        management_email="info@optics.example",
        management_phone="+49 89 1",
        description_de="Ein Testcluster.",
        branches=["optics-photonics"],
        value_chain_roles=["research", "production"],
        labels=["go-cluster"],
        funding_sources=["Free State of Bavaria"],
        competences_offered=[
            CompetenceRecord("laser sources", "en", "photonics", "research", "source"),
        ],
        competences_sought=[CompetenceRecord("Leichtbau", "de", provenance="derived")],
        member_counts={"sme": 40, "university": 3},
        field_terms=["Optik"],
        keywords=["lasers"],
        sources=["https://source.example/ov"],
    )
    assert cluster.management_organisation is not None
    Contact.objects.create(
        organisation=cluster.management_organisation,
        name="Erika Muster",
        role="Managing director",
        email="erika@optics.example",
    )

    result = http_request(live_server.url, "GET", "/api/v1/clusters/optics-valley")

    assert result.status == 200
    base = list_row("optics-valley", "Optics Valley", base=live_server.url)
    assert result.json() == {
        **base,
        "acronym": "OV",
        "kind_original": "Netzwerk",
        "region_name": "Oberbayern",
        "region_label": "Bavaria",
        "location_precision": "exact",
        "website": "https://optics.example",
        "description_en": "A test cluster number 1.",
        "description_de": "Ein Testcluster.",
        "management_organisation": {
            "name": "Optics Valley e.V.",
            "website": "https://ev.optics.example",
            "email": "info@optics.example",
            "phone": "+49 89 1",
            "address": "",
            "contacts": [
                {
                    "name": "Erika Muster",
                    "role": "Managing director",
                    "email": "erika@optics.example",
                    "phone": "",
                }
            ],
        },
        "branches": [{"slug": "optics-photonics", "label": "Optics and photonics"}],
        "value_chain_roles": [
            {"slug": "research", "label": "Research"},
            {"slug": "production", "label": "Production"},
        ],
        "labels": [{"slug": "go-cluster", "name": "go-cluster"}],
        "funding_sources": [
            {"slug": "free-state-of-bavaria", "name": "Free State of Bavaria"},
        ],
        "competences_offered": [
            {
                "phrase": "laser sources",
                "language": "en",
                "technology_field": {"slug": "photonics", "label": "Photonics"},
                "value_chain_role": {"slug": "research", "label": "Research"},
                "provenance": "source",
            }
        ],
        "competences_sought": [
            {
                "phrase": "Leichtbau",
                "language": "de",
                "technology_field": None,
                "value_chain_role": None,
                "provenance": "derived",
            }
        ],
        "member_counts": [
            {"slug": "sme", "label": "SME", "count": 40},
            {"slug": "university", "label": "University", "count": 3},
        ],
        "members_approx": 120,
        "field_terms": ["Optik"],
        "keywords": ["lasers"],
        "sources": ["https://source.example/ov"],
        "updated_at": updated_at_json(cluster),
    }


@pytest.mark.django_db(transaction=True)
def test_cluster_detail_over_http_unknown_slug_is_404_problem(live_server: LiveServer) -> None:
    result = http_request(live_server.url, "GET", "/api/v1/clusters/no-such-cluster")

    assert result.status == 404
    assert result.headers["content-type"] == PROBLEM
    assert result.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "No cluster with the address “no-such-cluster”.",
    }


def test_cluster_detail_labels_follow_accept_language(
    client: Client, make_cluster: MakeCluster
) -> None:
    make_cluster(slug="de-cluster")

    response = client.get("/api/v1/clusters/de-cluster", headers={"Accept-Language": "de"})

    body = response.json()
    assert (body["country_name"], body["technology_fields"], body["region_label"]) == (
        "Deutschland",
        [{"slug": "photonics", "label": "Photonik"}],
        "Bayern",
    )


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def landscape(make_cluster: MakeCluster) -> None:
    """Four clusters across two countries, two fields and two kinds."""
    make_cluster(slug="de-photonics", name="DE Photonics")
    make_cluster(
        slug="de-auto",
        name="DE Auto",
        region="DE-BW",
        technology_fields=["automotive"],
        kind=ClusterKind.LEADING_EDGE_CLUSTER.value,
        acronym="DAU",
    )
    make_cluster(slug="fr-photonics", name="FR Photonics", country="FR", region="")
    make_cluster(
        slug="fr-auto",
        name="FR Auto",
        country="FR",
        region="",
        technology_fields=["automotive", "lightweight-construction"],
    )


@pytest.mark.usefixtures("landscape")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=FR", ["fr-auto", "fr-photonics"]),
        ("country=fr", ["fr-auto", "fr-photonics"]),
        ("field=automotive", ["de-auto", "fr-auto"]),
        ("kind=leading-edge-cluster", ["de-auto"]),
        ("region=DE-BW", ["de-auto"]),
        ("q=photo", ["de-photonics", "fr-photonics"]),
        ("q=dau", ["de-auto"]),
        # Several values of one filter: OR.
        ("field=automotive&field=lightweight-construction", ["de-auto", "fr-auto"]),
        ("country=DE&country=FR", ["de-auto", "de-photonics", "fr-auto", "fr-photonics"]),
        ("region=DE-BW&region=DE-BY", ["de-auto", "de-photonics"]),
        # Different filters: AND.
        ("country=FR&field=automotive", ["fr-auto"]),
        ("country=DE&country=FR&field=photonics", ["de-photonics", "fr-photonics"]),
        ("country=DE&kind=cluster", ["de-photonics"]),
        ("country=DE&field=lightweight-construction", []),
    ],
)
def test_cluster_list_filters(client: Client, query: str, expected: list[str]) -> None:
    response = client.get(f"/api/v1/clusters?{query}")

    assert slugs_of(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(
    ("query", "location", "message"),
    [
        ("country=XX", "query.country", "Unknown country code: XX"),
        ("country=DE&country=QQ", "query.country", "Unknown country code: QQ"),
        (
            "field=underwater-basket-weaving",
            "query.field",
            "Unknown technology field: underwater-basket-weaving",
        ),
        ("kind=club", "query.kind", "Unknown kind: club"),
        ("region=DE-XX", "query.region", "Unknown region code: DE-XX"),
        ("page_size=0", "query.page_size", "Input should be greater than or equal to 1"),
        ("page_size=101", "query.page_size", "Input should be less than or equal to 100"),
        ("page=0", "query.page", "Input should be greater than or equal to 1"),
        (
            "page=two",
            "query.page",
            "Input should be a valid integer, unable to parse string as an integer",
        ),
    ],
)
def test_cluster_list_invalid_parameter_is_422_naming_it(
    client: Client, query: str, location: str, message: str
) -> None:
    response = client.get(f"/api/v1/clusters?{query}")

    assert response.status_code == 422
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Invalid request",
        "status": 422,
        "detail": "Some parameters are not valid.",
        "errors": [{"location": location, "message": message}],
    }


def test_cluster_list_reports_every_unknown_filter_at_once(client: Client) -> None:
    response = client.get("/api/v1/clusters?country=XX&field=nope&kind=club")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"location": "query.country", "message": "Unknown country code: XX"},
        {"location": "query.kind", "message": "Unknown kind: club"},
        {"location": "query.field", "message": "Unknown technology field: nope"},
    ]


# --- paging -----------------------------------------------------------------------------------


def test_cluster_list_pages_with_next_and_previous_links(
    client: Client, make_cluster: MakeCluster
) -> None:
    for letter in "abcde":
        make_cluster(slug=f"c-{letter}", name=f"Cluster {letter.upper()}")

    first = client.get("/api/v1/clusters?page_size=2&country=DE").json()
    second = client.get("/api/v1/clusters?page_size=2&country=DE&page=2").json()
    last = client.get("/api/v1/clusters?page_size=2&country=DE&page=3").json()

    url = "http://testserver/api/v1/clusters?page_size=2&country=DE&page="
    assert [(p["page"], p["previous"], p["next"]) for p in (first, second, last)] == [
        (1, None, f"{url}2"),
        (2, f"{url}1", f"{url}3"),
        (3, f"{url}2", None),
    ]
    assert [[r["slug"] for r in p["results"]] for p in (first, second, last)] == [
        ["c-a", "c-b"],
        ["c-c", "c-d"],
        ["c-e"],
    ]
    assert {(p["count"], p["page_size"]) for p in (first, second, last)} == {(5, 2)}


def test_cluster_list_page_beyond_the_end_is_404_problem(
    client: Client, make_cluster: MakeCluster
) -> None:
    make_cluster()

    response = client.get("/api/v1/clusters?page=2")

    assert response.status_code == 404
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "Page 2 does not exist; the last page is 1.",
    }


def test_cluster_list_empty_first_page_is_200(client: Client) -> None:
    response = client.get("/api/v1/clusters?country=NZ")

    assert response.status_code == 200
    assert response.json() == {
        "count": 0,
        "page": 1,
        "page_size": 20,
        "next": None,
        "previous": None,
        "results": [],
    }


# --- query budgets ----------------------------------------------------------------------------


@pytest.mark.parametrize("clusters", [1, 3])
def test_cluster_list_query_count_does_not_grow_with_rows(
    client: Client,
    make_cluster: MakeCluster,
    django_assert_num_queries: Any,
    clusters: int,
) -> None:
    for n in range(clusters):
        make_cluster(technology_fields=["photonics", "automotive"], slug=f"q-{n}")

    # count, page, technology fields
    with django_assert_num_queries(3):
        response = client.get("/api/v1/clusters")

    assert len(response.json()["results"]) == clusters


@pytest.mark.parametrize("clusters", [1, 3])
def test_cluster_list_with_field_filter_query_count_does_not_grow_with_rows(
    client: Client,
    make_cluster: MakeCluster,
    django_assert_num_queries: Any,
    clusters: int,
) -> None:
    for n in range(clusters):
        make_cluster(slug=f"q-{n}")

    # the field check, count, page, technology fields
    with django_assert_num_queries(4):
        response = client.get("/api/v1/clusters?field=photonics&country=DE")

    assert len(response.json()["results"]) == clusters


@pytest.mark.parametrize("related", [1, 3])
def test_cluster_detail_query_count_does_not_grow_with_relations(
    client: Client,
    make_cluster: MakeCluster,
    django_assert_num_queries: Any,
    related: int,
) -> None:
    phrases = [CompetenceRecord(f"skill {n}", technology_field="photonics") for n in range(related)]
    cluster = make_cluster(
        slug="rich",
        management_organisation="Rich e.V.",
        technology_fields=["photonics", "automotive", "biotechnology"][:related],
        branches=["optics-photonics", "mobility", "health"][:related],
        labels=[f"label {n}" for n in range(related)],
        funding_sources=[f"source {n}" for n in range(related)],
        competences_offered=phrases,
        competences_sought=phrases,
        member_counts=dict(list({"sme": 1, "university": 2, "start-up": 3}.items())[:related]),
    )
    assert cluster.management_organisation is not None
    for n in range(related):
        Contact.objects.create(organisation=cluster.management_organisation, name=f"P{n}")

    # cluster, fields, their branches, branches, roles, labels, funding sources, contacts,
    # competences, member counts
    with django_assert_num_queries(10):
        response = client.get("/api/v1/clusters/rich")

    assert len(response.json()["competences_offered"]) == related


# --- PATCH over real HTTP ---------------------------------------------------------------------


@pytest.fixture
def two_clusters(make_cluster: MakeCluster) -> tuple[Cluster, Cluster]:
    return make_cluster(slug="mine", name="Mine"), make_cluster(slug="theirs", name="Theirs")


@pytest.mark.django_db(transaction=True)
def test_cluster_patch_over_http_by_manager_changes_profile(
    live_server: LiveServer,
    two_clusters: tuple[Cluster, Cluster],
    make_user: MakeUser,
    token_for: TokenFor,
) -> None:
    mine, _theirs = two_clusters
    manager = make_user()
    mine.managers.add(manager)

    result = http_request(
        live_server.url,
        "PATCH",
        "/api/v1/clusters/mine",
        token=token_for(manager),
        body={
            "name": "Mine, renamed",
            "website": "mine.example",
            "members_approx": 42,
            "technology_fields": ["photonics", "automotive"],
            "competences_offered": ["laser welding", " optics design "],
        },
    )

    assert result.status == 200, result.body
    body = result.json()
    assert (
        body["name"],
        body["website"],
        body["members_approx"],
        body["technology_fields"],
        body["competences_offered"],
    ) == (
        "Mine, renamed",
        "https://mine.example",
        42,
        [
            {"slug": "automotive", "label": "Automotive"},
            {"slug": "photonics", "label": "Photonics"},
        ],
        [
            {
                "phrase": phrase,
                "language": "en",
                "technology_field": None,
                "value_chain_role": None,
                "provenance": "manager",
            }
            for phrase in ("laser welding", "optics design")
        ],
    )
    mine.refresh_from_db()
    assert (mine.name, mine.website, mine.members_approx) == (
        "Mine, renamed",
        "https://mine.example",
        42,
    )
    assert sorted(mine.technology_fields.values_list("slug", flat=True)) == [
        "automotive",
        "photonics",
    ]


@pytest.mark.django_db(transaction=True)
def test_cluster_patch_over_http_by_manager_of_another_cluster_is_403_and_changes_nothing(
    live_server: LiveServer,
    two_clusters: tuple[Cluster, Cluster],
    make_user: MakeUser,
    token_for: TokenFor,
) -> None:
    mine, theirs = two_clusters
    manager = make_user()
    mine.managers.add(manager)
    before = theirs.updated_at

    result = http_request(
        live_server.url,
        "PATCH",
        "/api/v1/clusters/theirs",
        token=token_for(manager),
        body={"name": "Mine now", "technology_fields": ["nonsense"]},
    )

    assert result.status == 403
    assert result.headers["content-type"] == PROBLEM
    assert result.json() == {
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
        "detail": "You may only edit the profiles of clusters you manage.",
    }
    theirs.refresh_from_db()
    assert (theirs.name, theirs.updated_at) == ("Theirs", before)
    assert list(theirs.technology_fields.values_list("slug", flat=True)) == ["photonics"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("token", [None, "not-a-real-token"])
def test_cluster_patch_over_http_without_valid_token_is_401(
    live_server: LiveServer, two_clusters: tuple[Cluster, Cluster], token: str | None
) -> None:
    result = http_request(
        live_server.url, "PATCH", "/api/v1/clusters/mine", token=token, body={"name": "x"}
    )

    assert result.status == 401
    assert (result.headers["content-type"], result.headers["www-authenticate"]) == (
        PROBLEM,
        "Bearer",
    )
    assert result.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "A valid bearer token is required.",
    }
    assert Cluster.objects.get(slug="mine").name == "Mine"


@pytest.mark.django_db(transaction=True)
def test_cluster_patch_over_http_by_user_without_role_is_403(
    live_server: LiveServer,
    two_clusters: tuple[Cluster, Cluster],
    make_user: MakeUser,
    token_for: TokenFor,
) -> None:
    visitor = make_user()

    result = http_request(
        live_server.url,
        "PATCH",
        "/api/v1/clusters/mine",
        token=token_for(visitor),
        body={"name": "x"},
    )

    assert (result.status, result.json()["title"]) == (403, "Forbidden")
    assert Cluster.objects.get(slug="mine").name == "Mine"


@pytest.mark.django_db(transaction=True)
def test_cluster_patch_over_http_invalid_website_is_422_naming_it(
    live_server: LiveServer,
    two_clusters: tuple[Cluster, Cluster],
    make_user: MakeUser,
    token_for: TokenFor,
) -> None:
    mine, _theirs = two_clusters
    manager = make_user()
    mine.managers.add(manager)

    result = http_request(
        live_server.url,
        "PATCH",
        "/api/v1/clusters/mine",
        token=token_for(manager),
        body={"name": "Changed", "website": "ftp://nope"},
    )

    assert result.status == 422
    assert result.headers["content-type"] == PROBLEM
    assert result.json() == {
        "type": "about:blank",
        "title": "Invalid data",
        "status": 422,
        "detail": "The data breaks a rule.",
        "errors": [
            {"location": "website", "message": "Enter a valid URL."},
            {"location": "website", "message": "ftp://nope is not an http(s) address"},
        ],
    }
    assert Cluster.objects.get(slug="mine").name == "Mine"


# --- PATCH details through the test client ----------------------------------------------------


@pytest.fixture
def manager_token(
    two_clusters: tuple[Cluster, Cluster], make_user: MakeUser, token_for: TokenFor
) -> str:
    manager = make_user()
    two_clusters[0].managers.add(manager)
    return token_for(manager)


def patch(client: Client, slug: str, body: Any, token: str) -> Any:
    return client.patch(
        f"/api/v1/clusters/{slug}",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"technology_fields": ["photonics", "basket-weaving"]},
            [
                {
                    "location": "technology_fields",
                    "message": "Unknown technology field: basket-weaving",
                }
            ],
        ),
        (
            {"name": ""},
            [{"location": "name", "message": "This field cannot be blank."}],
        ),
        (
            {"members_approx": -1},
            [
                {
                    "location": "members_approx",
                    "message": "Ensure this value is greater than or equal to 0.",
                }
            ],
        ),
    ],
)
def test_cluster_patch_rule_broken_is_422_and_changes_nothing(
    client: Client, manager_token: str, body: dict[str, Any], errors: list[dict[str, str]]
) -> None:
    response = patch(client, "mine", {"acronym": "CHG", **body}, manager_token)

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert Cluster.objects.get(slug="mine").acronym == ""


def test_cluster_patch_overlong_competence_is_422_naming_the_field(
    client: Client, manager_token: str
) -> None:
    response = patch(client, "mine", {"competences_sought": ["x" * 201]}, manager_token)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "location": "competences_sought",
            "message": f"“{'x' * 40}…” is longer than 200 characters",
        }
    ]


@pytest.mark.parametrize(
    ("body", "location", "message"),
    [
        ({"slug": "moved"}, "slug", "Extra inputs are not permitted"),
        (
            {"members_approx": "many"},
            "members_approx",
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        (
            {"technology_fields": "photonics"},
            "technology_fields",
            "Input should be a valid list",
        ),
    ],
)
def test_cluster_patch_malformed_body_is_422_naming_the_key(
    client: Client, manager_token: str, body: dict[str, Any], location: str, message: str
) -> None:
    response = patch(client, "mine", body, manager_token)

    assert response.status_code == 422
    assert response.json() == {
        "type": "about:blank",
        "title": "Invalid request",
        "status": 422,
        "detail": "Some parameters are not valid.",
        "errors": [{"location": location, "message": message}],
    }
    assert Cluster.objects.get(slug="mine").slug == "mine"


def test_cluster_patch_null_clears_and_absent_keys_stay(
    client: Client, make_cluster: MakeCluster, make_user: MakeUser, token_for: TokenFor
) -> None:
    cluster = make_cluster(
        slug="full",
        acronym="FULL",
        members_approx=10,
        competences_offered=[CompetenceRecord("kept phrase")],
        competences_sought=[CompetenceRecord("dropped phrase")],
    )
    manager = make_user()
    cluster.managers.add(manager)

    response = patch(
        client,
        "full",
        {"acronym": None, "members_approx": None, "competences_sought": None},
        token_for(manager),
    )

    assert response.status_code == 200
    body = response.json()
    assert (
        body["acronym"],
        body["members_approx"],
        body["description_en"],
        [c["phrase"] for c in body["competences_offered"]],
        body["competences_sought"],
        body["technology_fields"],
    ) == (
        "",
        None,
        "A test cluster number 1.",
        ["kept phrase"],
        [],
        [{"slug": "photonics", "label": "Photonics"}],
    )


def test_cluster_patch_by_admin_changes_any_cluster(
    client: Client, two_clusters: tuple[Cluster, Cluster], make_user: MakeUser, token_for: TokenFor
) -> None:
    admin = make_user(is_superuser=True)

    response = patch(client, "theirs", {"city": "Jena"}, token_for(admin))

    assert (response.status_code, response.json()["city"]) == (200, "Jena")
    assert Cluster.objects.get(slug="theirs").city == "Jena"


def test_cluster_patch_unknown_slug_is_404(client: Client, manager_token: str) -> None:
    response = patch(client, "ghost", {"city": "Jena"}, manager_token)

    assert (response.status_code, response.headers["Content-Type"]) == (404, PROBLEM)


# --- export -----------------------------------------------------------------------------------


def download(client: Client, query: str) -> tuple[Any, str]:
    response = client.get(f"/api/v1/clusters/export{query}")
    body = response.getvalue().decode()
    return response, body


def test_cluster_export_csv_is_a_csv_download(client: Client, make_cluster: MakeCluster) -> None:
    make_cluster(slug="zeta", name="Zeta")
    make_cluster(slug="alpha", name="=Formula", technology_fields=["automotive", "photonics"])

    response, body = download(client, "?format=csv")

    assert response.status_code == 200
    assert (response.headers["Content-Type"], response.headers["Content-Disposition"]) == (
        "text/csv; charset=utf-8",
        'attachment; filename="clusters.csv"',
    )
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == list(COLUMNS)
    assert [(r["slug"], r["name"], r["technology_fields"]) for r in rows] == [
        ("alpha", "'=Formula", "automotive | photonics"),
        ("zeta", "Zeta", "photonics"),
    ]


def test_cluster_export_default_format_is_csv(client: Client) -> None:
    response, body = download(client, "")

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert body == ",".join(COLUMNS) + "\n"


def test_cluster_export_json_is_the_exchange_format(
    client: Client, make_cluster: MakeCluster
) -> None:
    make_cluster(slug="one", name="One", member_counts={"sme": 5})

    response, body = download(client, "?format=json")

    assert (response.headers["Content-Type"], response.headers["Content-Disposition"]) == (
        "application/json",
        'attachment; filename="clusters.json"',
    )
    records = json.loads(body)
    assert [(r["slug"], r["member_counts"], list(r)) for r in records] == [
        ("one", {"sme": 5}, list(COLUMNS))
    ]


def test_cluster_export_jsonld_is_a_schema_org_graph(
    client: Client, make_cluster: MakeCluster
) -> None:
    make_cluster(slug="one", name="One")
    make_cluster(slug="two", name="Two")

    response, body = download(client, "?format=jsonld")

    assert (response.headers["Content-Type"], response.headers["Content-Disposition"]) == (
        "application/ld+json",
        'attachment; filename="clusters.jsonld"',
    )
    document = json.loads(body)
    assert document["@context"] == "https://schema.org"
    assert [(n["@type"], n["identifier"], n["@id"]) for n in document["@graph"]] == [
        ("Organization", "one", "http://testserver/en/clusters/one/"),
        ("Organization", "two", "http://testserver/en/clusters/two/"),
    ]


def test_cluster_export_unknown_format_is_422(client: Client) -> None:
    response = client.get("/api/v1/clusters/export?format=xlsx")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"location": "query.format", "message": "Input should be 'csv', 'json' or 'jsonld'"}
    ]


# --- import -----------------------------------------------------------------------------------

VALID_CSV = (
    "slug,name,kind,country,technology_fields\n"
    "nord-photonics,Nord Photonics,cluster,DE,photonics\n"
    "sud-auto,Sud Auto,cluster,FR,automotive | lightweight-construction\n"
)
INVALID_CSV = (
    "slug,name,kind,country,technology_fields\n"
    "good-one,Good One,cluster,DE,photonics\n"
    "bad-country,Bad Country,cluster,XX,photonics\n"
    "bad-kind,Bad Kind,club,DE,photonic\n"
)


def upload(
    client: Client, token: str | None, content: bytes, name: str = "clusters.csv", **form: Any
) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(
        "/api/v1/clusters/import",
        data={"file": SimpleUploadedFile(name, content, "text/csv"), **form},
        headers=headers,
    )


@pytest.fixture
def admin_token(make_user: MakeUser, token_for: TokenFor) -> str:
    return token_for(make_user(is_superuser=True))


def test_cluster_import_by_admin_creates_and_updates(
    client: Client, make_cluster: MakeCluster, admin_token: str
) -> None:
    make_cluster(slug="sud-auto", name="Old name", country="FR", region="")

    response = upload(client, admin_token, VALID_CSV.encode())

    assert response.status_code == 200
    assert response.json() == {"rows": 2, "created": 1, "updated": 1, "skipped": []}
    assert list(Cluster.objects.order_by("slug").values_list("slug", "name", "country")) == [
        ("nord-photonics", "Nord Photonics", "DE"),
        ("sud-auto", "Sud Auto", "FR"),
    ]


def test_cluster_import_invalid_file_is_422_with_rows_and_changes_nothing(
    client: Client, admin_token: str
) -> None:
    response = upload(client, admin_token, INVALID_CSV.encode())

    assert response.status_code == 422
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Import rejected",
        "status": 422,
        "detail": "3 error(s); nothing was imported (the database is unchanged)",
        "errors": [
            {
                "row": 3,
                "column": "country",
                "message": "'XX' is not an ISO 3166-1 alpha-2 country code",
            },
            {
                "row": 4,
                "column": "kind",
                "message": f"'club' is not one of {', '.join(ClusterKind.values)}",
            },
            {
                "row": 4,
                "column": "technology_fields",
                "message": "unknown term 'photonic' (did you mean 'photonics'?)",
            },
        ],
    }
    assert Cluster.objects.count() == 0


def test_cluster_import_skip_invalid_imports_the_valid_rows(
    client: Client, admin_token: str
) -> None:
    response = upload(client, admin_token, INVALID_CSV.encode(), skip_invalid="true")

    assert response.status_code == 200
    body = response.json()
    assert (body["rows"], body["created"], body["updated"]) == (3, 1, 0)
    assert [(e["row"], e["column"]) for e in body["skipped"]] == [
        (3, "country"),
        (4, "kind"),
        (4, "technology_fields"),
    ]
    assert list(Cluster.objects.values_list("slug", flat=True)) == ["good-one"]


def test_cluster_import_unreadable_file_is_422(client: Client, admin_token: str) -> None:
    response = upload(client, admin_token, b"slug,name\n\xff\xfe,x\n")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "row": 0,
            "column": "",
            "message": "the file is not UTF-8: byte 0xff on line 2 (offset 10); save it as "
            "UTF-8 and try again",
        }
    ]


def test_cluster_import_by_non_admin_is_403_and_changes_nothing(
    client: Client, two_clusters: tuple[Cluster, Cluster], manager_token: str
) -> None:
    response = upload(client, manager_token, VALID_CSV.encode())

    assert response.status_code == 403
    assert response.json() == {
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
        "detail": "Only administrators may import clusters.",
    }
    assert sorted(Cluster.objects.values_list("slug", flat=True)) == ["mine", "theirs"]


def test_cluster_import_without_token_is_401(client: Client) -> None:
    response = upload(client, None, VALID_CSV.encode())

    assert (response.status_code, response.headers["Content-Type"]) == (401, PROBLEM)
    assert Cluster.objects.count() == 0


def test_cluster_import_file_over_20_mb_is_413(client: Client, admin_token: str) -> None:
    content = VALID_CSV.encode() + b" " * (20 * 1024 * 1024)

    response = upload(client, admin_token, content)

    assert response.status_code == 413
    assert response.json() == {
        "type": "about:blank",
        "title": "Content too large",
        "status": 413,
        "detail": "The file is larger than 20 MB.",
    }
    assert Cluster.objects.count() == 0


def test_cluster_export_then_import_round_trips(
    client: Client, make_cluster: MakeCluster, admin_token: str
) -> None:
    make_cluster(slug="one", competences_offered=[CompetenceRecord("a", "de", "photonics")])
    make_cluster(slug="two", country="FR", region="", member_counts={"sme": 2})
    _response, exported = download(client, "?format=json")

    response = upload(client, admin_token, exported.encode(), name="clusters.json")
    _response, again = download(client, "?format=json")

    assert response.json() == {"rows": 2, "created": 0, "updated": 2, "skipped": []}
    assert again == exported
