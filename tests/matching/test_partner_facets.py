"""The partner filters are checkbox facets: several values of one facet widen the list (OR),
facets narrow each other (AND); live updates and a plain submit read the same parameters."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from clusterbridge.clusters.models import Cluster
from tests.matching.conftest import competences

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish(make_cluster: Callable[..., Cluster], pair: dict[str, Cluster]) -> Cluster:
    """A Spanish complement of the German lightweight cluster, beside the French ones."""
    return make_cluster(
        slug="ligero-es",
        name="Ligero España",
        country="ES",
        region="",
        technology_fields=["lightweight-construction"],
        value_chain_roles=["production"],
        competences_offered=competences("carbon fibre recycling plants"),
        competences_sought=competences("crash simulation"),
    )


def _form(html: str) -> str:
    return html.split('id="match-filters"', 1)[1].split("</form>", 1)[0]


def _candidates(html: str) -> list[str]:
    results = html.split('id="match-results"', 1)[1]
    return re.findall(r'<h2><a href="/en/clusters/([\w-]+)/">', results)


def test_partner_facets_are_checkboxes_ticked_for_each_chosen_value(
    client: Client, pair: dict[str, Cluster]
) -> None:
    form = _form(client.get("/en/matching/leicht-de/?country=FR&country=ES").content.decode())

    ticked = re.findall(r'<input type="checkbox" name="(\w+)" value="([\w-]+)" checked>', form)
    assert "<select" not in form
    assert ticked == [("country", "FR"), ("country", "ES")]
    assert 'hx-get="/en/matching/leicht-de/" hx-trigger="change"' in form


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=FR", ["composites-fr", "crash-fr"]),
        ("country=ES", ["ligero-es"]),
        ("country=FR&country=ES", ["composites-fr", "crash-fr", "ligero-es"]),
        ("country=FR&country=ES&kind=cluster", ["composites-fr", "crash-fr", "ligero-es"]),
        ("country=FR&country=ES&field=food", []),
        ("country=FR&country=ES&kind=innovation-region", []),
    ],
)
def test_partner_facets_widen_within_and_narrow_across(
    client: Client, spanish: Cluster, query: str, expected: list[str]
) -> None:
    html = client.get(f"/en/matching/leicht-de/?{query}").content.decode()

    assert sorted(_candidates(html)) == expected


def test_partner_contact_button_reads_as_an_action_in_german(
    client: Client, pair: dict[str, Cluster]
) -> None:
    html = client.get("/de/matching/leicht-de/").content.decode()

    buttons = re.findall(r'<a class="button-small" href="[^"]+">([^<]+)<span', html)
    assert set(buttons) == {"Kontakt aufnehmen"}
