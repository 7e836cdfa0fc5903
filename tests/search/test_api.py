"""GET /api/v1/search and /api/v1/search/suggest over real HTTP (live server, urllib)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from pytest_django.live_server_helper import LiveServer

from clusterbridge.clusters.models import Cluster
from clusterbridge.search.query import MAX_QUERY_LENGTH
from clusterbridge.search.services import index_rebuild

MakeCluster = Callable[..., Cluster]
PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _get(base_url: str, path: str, params: dict[str, Any] | list[tuple[str, str]]) -> Response:
    """One real GET; 4xx and 5xx come back as responses, not exceptions."""
    url = f"{base_url}{path}?{urlencode(params)}"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return Response(response.status, response.headers["Content-Type"], response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers["Content-Type"], error.read())


@pytest.fixture
def indexed(make_cluster: MakeCluster) -> dict[str, Cluster]:
    clusters = {
        "photonics": make_cluster(
            slug="photonics-network",
            name="Photonics Network",
            description_en="Lasers and photonics from Munich.",
        ),
        "auto": make_cluster(
            slug="auto-france",
            name="Auto France",
            country="FR",
            region="",
            city="Paris",
            technology_fields=["automotive"],
            description_en="Cars and their suppliers.",
        ),
    }
    index_rebuild(embed=False)
    return clusters


def test_search_returns_results_with_snippets_and_facets(
    live_server: LiveServer, indexed: dict[str, Cluster]
) -> None:
    response = _get(
        live_server.url, "/api/v1/search", {"q": "photonics", "country": "DE", "mode": "lexical"}
    )

    assert (response.status, response.content_type) == (200, "application/json; charset=utf-8")
    assert response.json() == {
        "query": "photonics",
        "count": 1,
        "page": 1,
        "page_size": 20,
        "pages": 1,
        "notice": "",
        "results": [
            {
                "type": "cluster",
                "id": indexed["photonics"].pk,
                "title": "Photonics Network",
                "url": f"{live_server.url}/en/clusters/photonics-network/",
                "snippet_html": "Lasers and <mark>photonics</mark> from Munich.",
                "score": 1.0,
                "matched_by": "words",
                "facets": {
                    "country": ["DE"],
                    "field": ["photonics"],
                    "kind": ["cluster"],
                    "region": ["DE-BY"],
                },
            }
        ],
        "facets": [
            {
                "name": "type",
                "label": "Type",
                "values": [{"value": "cluster", "label": "Cluster", "count": 1, "selected": False}],
            },
            {
                "name": "field",
                "label": "Technology field",
                "values": [
                    {"value": "photonics", "label": "Photonics", "count": 1, "selected": False}
                ],
            },
            {
                "name": "country",
                "label": "Country",
                "values": [{"value": "DE", "label": "Germany", "count": 1, "selected": True}],
            },
            {
                "name": "region",
                "label": "German federal state",
                "values": [{"value": "DE-BY", "label": "Bavaria", "count": 1, "selected": False}],
            },
            {
                "name": "kind",
                "label": "Kind",
                "values": [
                    {
                        "value": "cluster",
                        "label": "Cluster or network",
                        "count": 1,
                        "selected": False,
                    }
                ],
            },
        ],
    }


def test_search_repeated_facet_values_are_or(
    live_server: LiveServer, indexed: dict[str, Cluster]
) -> None:
    response = _get(
        live_server.url, "/api/v1/search", [("country", "DE"), ("country", "FR"), ("sort", "name")]
    )

    body = response.json()
    assert (response.status, body["count"], [r["title"] for r in body["results"]]) == (
        200,
        2,
        ["Auto France", "Photonics Network"],
    )


INVALID = [
    ({"nosuch": "1"}, "query.nosuch", "Unknown filter “nosuch”."),
    ({"country": "DE FR"}, "query.country", "“DE FR” is not a valid value."),
    ({"page": "0"}, "query.page", "Pages are counted from 1."),
    ({"page": "first"}, "query.page", "Pages are counted from 1."),
    ({"page_size": "1000"}, "query.page_size", "Page size must be between 1 and 100."),
]
# What people type that would be syntax to FTS5, tsquery, LIKE or SQL if it reached them.
HOSTILE = [
    '"',
    '"photonics',
    "*",
    "phot*",
    "NEAR(a b)",
    "photonics AND NOT laser OR (x)",
    "') OR 1=1 --",
    "'; DROP TABLE search_fts; --",
    "tokens_a : photonics",
    "a & b | !c <-> d:*",
    "%_\\",
    "ph\x01otonics",  # a NUL never gets this far (tests/web/test_hostile_input.py)
    "x" * 10_000,
]


def test_search_invalid_parameters_are_422_problems_naming_them(live_server: LiveServer) -> None:
    responses = [_get(live_server.url, "/api/v1/search", params) for params, _l, _m in INVALID]

    assert [(r.status, r.content_type, r.json()) for r in responses] == [
        (
            422,
            PROBLEM,
            {
                "type": "about:blank",
                "title": "Invalid request",
                "status": 422,
                "detail": "Some parameters are not valid.",
                "errors": [{"location": location, "message": message}],
            },
        )
        for _params, location, message in INVALID
    ]


def test_search_syntax_and_injection_attempts_are_plain_text(
    live_server: LiveServer, indexed: dict[str, Cluster]
) -> None:
    responses = [
        _get(live_server.url, "/api/v1/search", {"q": q, "mode": "lexical"}) for q in HOSTILE
    ]

    assert [(r.status, r.json()["query"]) for r in responses] == [
        (200, q.replace("\x01", " ")[:MAX_QUERY_LENGTH]) for q in HOSTILE
    ]


def test_search_injection_attempt_leaves_the_index_intact(
    live_server: LiveServer, indexed: dict[str, Cluster]
) -> None:
    _get(live_server.url, "/api/v1/search", {"q": "'; DROP TABLE search_fts; --"})

    response = _get(live_server.url, "/api/v1/search", {"q": "photonics", "mode": "lexical"})

    assert [r["title"] for r in response.json()["results"]] == ["Photonics Network"]


def test_suggest_returns_titles_containing_the_prefix(
    live_server: LiveServer, indexed: dict[str, Cluster]
) -> None:
    response = _get(live_server.url, "/api/v1/search/suggest", {"q": "phot"})

    assert response.status == 200
    assert response.json() == [
        {
            "title": "Photonics Network",
            "url": f"{live_server.url}/en/clusters/photonics-network/",
            "type": "cluster",
        }
    ]


SUGGEST_HOSTILE = [
    '"',
    "*",
    "NEAR(a b)",
    "') OR 1=1 --",
    "'; DROP TABLE search_title_trigram; --",
    "%_\\",
    "zz\x01",
    "x" * 10_000,
]


def test_suggest_syntax_and_injection_attempts_never_fail(
    live_server: LiveServer, indexed: dict[str, Cluster]
) -> None:
    responses = [_get(live_server.url, "/api/v1/search/suggest", {"q": q}) for q in SUGGEST_HOSTILE]

    assert [
        (q[:40], r.status, r.body) for q, r in zip(SUGGEST_HOSTILE, responses, strict=True)
    ] == [(q[:40], 200, b"[]") for q in SUGGEST_HOSTILE]
