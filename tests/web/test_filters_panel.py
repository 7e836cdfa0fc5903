"""Facets fold behind a "Filters" button on phones: a <details> around them (so no JavaScript
is needed), whose summary counts the chosen values and follows htmx updates."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from clusterbridge.clusters.models import Cluster
from clusterbridge.search.services import index_rebuild

pytestmark = pytest.mark.django_db

PANEL = re.compile(
    r'<details class="filters-panel">\s*<summary class="filters-toggle">(.*?)</summary>'
    r"(.*?)</details>",
    re.S,
)
ACTIVE = re.compile(r'<span id="filters-active"( hx-swap-oob="true")?>([^<]*)</span>')


@pytest.fixture
def landscape(make_cluster: Callable[..., Cluster]) -> None:
    make_cluster(slug="photonics-de", name="Photonics DE")
    make_cluster(slug="photonics-fr", name="Photonique FR", country="FR", region="")
    index_rebuild(embed=False)


def _panel(page: str) -> tuple[str, list[str]]:
    match = PANEL.search(page)
    assert match is not None
    summary = re.sub(r"<[^>]+>", "", match.group(1))
    return summary, re.findall(r'<input type="checkbox" name="(\w+)"', match.group(2))


@pytest.mark.parametrize(
    ("path", "summary"),
    [
        ("/en/search/?q=photonics", "Filters"),
        ("/en/search/?q=photonics&country=DE&country=FR", "Filters · 2 chosen"),
        ("/de/search/?q=photonics&country=DE", "Filter · 1 gewählt"),
        ("/en/clusters/", "Filters"),
        ("/en/clusters/?country=DE&kind=cluster", "Filters · 2 chosen"),
    ],
)
def test_facets_fold_behind_a_filters_summary_counting_the_chosen_values(
    path: str, summary: str, landscape: None
) -> None:
    found, boxes = _panel(Client().get(path).content.decode())

    assert found == summary
    assert {"country"} <= set(boxes)


@pytest.mark.parametrize(
    ("path", "results"),
    [
        ("/en/search/?q=photonics&country=DE", "search/_results.html"),
        ("/en/clusters/?country=DE", "clusters/_results.html"),
    ],
)
def test_live_update_brings_the_new_count_to_the_summary(
    path: str, results: str, landscape: None
) -> None:
    response = Client().get(path, headers={"HX-Request": "true"})

    assert next(t.name for t in response.templates) == results
    assert ACTIVE.findall(response.content.decode()) == [(' hx-swap-oob="true"', " · 1 chosen")]
