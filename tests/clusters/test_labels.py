"""Labels (distinctions such as a Leading-Edge Cluster award) read in the page's language."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from clusterbridge.clusters.models import Cluster, Label
from clusterbridge.clusters.services import label_german_names_set
from clusterbridge.demo.services import demo_load
from clusterbridge.search.services import index_rebuild

pytestmark = pytest.mark.django_db

WINNER = "Leading-Edge Cluster Competition winner 2008"
WINNER_DE = "Gewinner des Spitzencluster-Wettbewerbs 2008"


@pytest.fixture
def awarded(
    make_cluster: Callable[..., Cluster], django_capture_on_commit_callbacks: Any
) -> Cluster:
    cluster = make_cluster(slug="awarded", name="Awarded Cluster", labels=[WINNER])
    with django_capture_on_commit_callbacks(execute=True):
        changed = label_german_names_set(names={WINNER: WINNER_DE, "Unknown label": "Unbekannt"})
    assert changed == 1
    index_rebuild(embed=False)
    return cluster


def _tags(page: str) -> list[str]:
    return re.findall(r'<li class="tag">([^<]+)</li>', page)


def test_profile_shows_the_label_in_the_page_language(awarded: Cluster) -> None:
    german = Client().get("/de/clusters/awarded/").content.decode()
    english = Client().get("/en/clusters/awarded/").content.decode()

    assert (WINNER_DE in _tags(german), WINNER in _tags(german)) == (True, False)
    assert (WINNER in _tags(english), WINNER_DE in _tags(english)) == (True, False)


def test_search_facet_names_the_label_in_the_page_language(awarded: Cluster) -> None:
    german = Client().get("/de/search/").content.decode()
    english = Client().get("/en/search/").content.decode()

    facet = re.compile(r'name="label" value="[^"]+"> ([^<]+) <span')
    assert facet.findall(german) == [WINNER_DE]
    assert facet.findall(english) == [WINNER]


def test_setting_german_names_again_changes_nothing(awarded: Cluster) -> None:
    assert label_german_names_set(names={WINNER: WINNER_DE}) == 0
    assert list(Label.objects.values_list("name", "name_de")) == [(WINNER, WINNER_DE)]


def test_demo_labels_have_german_names() -> None:
    demo_load()

    assert sorted(Label.objects.values_list("name_de", flat=True))[:3] == [
        "Gewinner des Spitzencluster-Wettbewerbs 2008",
        "Gewinner des Spitzencluster-Wettbewerbs 2010",
        "Gewinner des Spitzencluster-Wettbewerbs 2012",
    ]
    assert Label.objects.filter(name_de="").count() == 0
