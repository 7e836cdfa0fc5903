"""The search page /<lang>/search/: full page, htmx fragment, German, errors, no JavaScript."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from clusterbridge.clusters.models import Cluster
from clusterbridge.search.services import index_rebuild

pytestmark = pytest.mark.django_db

MakeCluster = Callable[..., Cluster]


@pytest.fixture
def three(make_cluster: MakeCluster) -> None:
    make_cluster(slug="de-photonics", name="DE Photonics", description_en="Lasers from Jena.")
    make_cluster(
        slug="fr-photonics",
        name="FR Photonics",
        country="FR",
        region="",
        city="Bordeaux",
        description_en="Photonics in Bordeaux.",
    )
    make_cluster(
        slug="de-auto",
        name="DE Auto",
        region="DE-BW",
        technology_fields=["automotive"],
        description_en="Cars.",
    )
    index_rebuild(embed=False)


def test_search_page_renders_results_and_facet_checkboxes_with_counts(
    client: Client, three: None
) -> None:
    response = client.get("/en/search/", {"q": "photonics"})

    assert response.status_code == 200
    assertTemplateUsed(response, "search/search.html")
    assertContains(response, '<p class="muted" id="search-count">2 results</p>', html=True)
    assertContains(response, '<a href="/en/clusters/de-photonics/">DE Photonics</a>', html=True)
    assertContains(response, '<a href="/en/clusters/fr-photonics/">FR Photonics</a>', html=True)
    assertContains(
        response,
        '<p class="snippet"><mark>Photonics</mark> in Bordeaux.</p>',
        html=True,
    )
    assertContains(
        response,
        '<label><input type="checkbox" name="country" value="DE"> Germany'
        ' <span class="muted">(1)</span></label>',
        html=True,
    )
    assertContains(
        response,
        '<label><input type="checkbox" name="field" value="photonics"> Photonics'
        ' <span class="muted">(2)</span></label>',
        html=True,
    )
    assertNotContains(response, "DE Auto")


def test_search_page_htmx_request_returns_the_fragment_with_facets_out_of_band(
    client: Client, three: None
) -> None:
    response = client.get("/en/search/", {"q": "photonics"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assertTemplateUsed(response, "search/_results.html")
    assertTemplateUsed(response, "search/_facets.html")
    assertNotContains(response, "<html")
    assertNotContains(response, '<form method="get"')
    assertContains(response, '<div id="search-facets" hx-swap-oob="true">')
    assertContains(response, '<a href="/en/clusters/fr-photonics/">FR Photonics</a>', html=True)


def test_search_page_in_german_labels_in_german(client: Client, three: None) -> None:
    response = client.get("/de/search/", {"q": "photonik"})

    assert response.status_code == 200
    assertContains(response, '<html lang="de">')
    assertContains(response, "<h1>Die Clusterlandschaft durchsuchen</h1>", html=True)
    assertContains(response, '<p class="muted" id="search-count">2 Ergebnisse</p>', html=True)
    assertContains(response, "<legend>Land</legend>", html=True)
    assertContains(response, "<legend>Technologiefeld</legend>", html=True)
    assertContains(
        response,
        '<label><input type="checkbox" name="country" value="DE"> Deutschland'
        ' <span class="muted">(1)</span></label>',
        html=True,
    )
    assertContains(
        response,
        '<label><input type="checkbox" name="field" value="photonics"> Photonik'
        ' <span class="muted">(2)</span></label>',
        html=True,
    )
    assertContains(response, '<a href="/de/clusters/de-photonics/">DE Photonics</a>', html=True)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/en/search/?nosuch=1", "Unknown filter “nosuch”."),
        ("/de/search/?nosuch=1", "Unbekannter Filter „nosuch“."),
        ("/en/search/?country=%3Cb%3E", "“&lt;b&gt;” is not a valid value."),
        ("/en/search/?page=0", "Pages are counted from 1."),
    ],
)
def test_search_page_invalid_input_is_400_with_message(
    client: Client, path: str, message: str
) -> None:
    response = client.get(path)

    assertContains(
        response, f'<div class="note" role="alert"><p>{message}</p></div>', status_code=400
    )


def test_search_page_invalid_facet_in_htmx_is_400_fragment(client: Client) -> None:
    response = client.get("/en/search/?nosuch=1", headers={"HX-Request": "true"})

    assert response.status_code == 400
    assert response.content.decode().strip() == (
        '<div class="note" role="alert"><p>Unknown filter “nosuch”.</p></div>'
    )


def test_search_page_works_without_javascript(client: Client, three: None) -> None:
    response = client.get("/en/search/", {"country": ["FR", "ES"], "field": "photonics"})

    assert response.status_code == 200
    assert [hit.title for hit in response.context["results"].hits] == ["FR Photonics"]
    assertContains(
        response,
        '<label><input type="checkbox" name="country" value="FR" checked> France'
        ' <span class="muted">(1)</span></label>',
        html=True,
    )
    assertContains(
        response,
        '<label><input type="checkbox" name="country" value="ES" checked> Spain'
        ' <span class="muted">(0)</span></label>',
        html=True,
    )
    assertContains(response, '<noscript><button type="submit">Apply filters</button></noscript>')
    assertContains(response, '<form method="get" action="/en/search/"')


def test_search_page_pagination_links_are_plain_urls(client: Client, three: None) -> None:
    response = client.get("/en/search/", {"q": "photonics", "page_size": "1"})

    assertContains(
        response,
        '<a href="?q=photonics&amp;page_size=1&amp;page=2" rel="next">Next</a>',
        html=True,
    )
    assertContains(response, "<span>Page 1 of 2</span>", html=True)


def test_search_page_escapes_the_query(client: Client) -> None:
    response = client.get("/en/search/", {"q": '"><script>alert(1)</script>'})

    assert response.status_code == 200
    assertNotContains(response, "<script>alert(1)</script>")
    assertContains(response, 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')


def test_search_page_queries_do_not_grow_with_the_results(
    client: Client, make_cluster: MakeCluster
) -> None:
    make_cluster(slug="one", name="One Photonics")
    index_rebuild(embed=False)
    client.get("/en/search/", {"q": "photonics", "mode": "lexical"})  # warm the label caches
    with CaptureQueriesContext(connection) as one:
        client.get("/en/search/", {"q": "photonics", "mode": "lexical"})
    make_cluster(slug="two", name="Two Photonics", country="FR", region="")
    make_cluster(slug="three", name="Three Photonics", country="ES", region="")
    index_rebuild(embed=False)

    with CaptureQueriesContext(connection) as three:
        response = client.get("/en/search/", {"q": "photonics", "mode": "lexical"})

    assert len(response.context["results"].hits) == 3
    assert len(three.captured_queries) == len(one.captured_queries)


def test_suggest_view_lists_matching_titles_as_links(client: Client, three: None) -> None:
    response = client.get("/en/search/suggest/", {"q": "phot"})

    assert response.status_code == 200
    assertContains(
        response,
        '<ul class="suggestions" aria-label="Suggestions">'
        '<li><a href="/en/clusters/de-photonics/">DE Photonics</a></li>'
        '<li><a href="/en/clusters/fr-photonics/">FR Photonics</a></li></ul>',
        html=True,
    )


def test_suggest_view_without_match_is_empty(client: Client, three: None) -> None:
    response = client.get("/en/search/suggest/", {"q": "zzz"})

    assert (response.status_code, response.content.decode().strip()) == (200, "")
